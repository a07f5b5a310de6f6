import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodingDraftSchema } from '../../preload/contract.js';
import { SOURCE_ROOT } from '../app/paths.js';
import { bundleNodeChild } from '../../test/support/nodeChild.js';
import { tempDir } from '../../test/support/tempDir.js';
import { prng } from '../app/prng.js';
import { Worklist } from '../worklist/worklist.js';
import { openTestStore, sampleEncounters } from './storeTestKit.js';

const RUNS = 50;
// Bundled inside the repository so the native SQLite module resolves from node_modules; started with plain
// node. The store's worker (its background checkpoints) is built beside it, as scripts/build.mjs does for the app.
const childDir = join(SOURCE_ROOT, '.cache', 'test', `crash-child-${process.pid}`);
const childFile = join(childDir, 'crashChild.mjs');
let dir: string;

beforeAll(async () => {
  mkdirSync(childDir, { recursive: true });
  await bundleNodeChild(join(SOURCE_ROOT, 'main', 'store', 'crashChild.ts'), childFile);
  await bundleNodeChild(join(SOURCE_ROOT, 'main', 'store', 'storeReadWorkerImpl.ts'), join(childDir, 'storeReadWorkerImpl.js'));
  copyFileSync(join(SOURCE_ROOT, 'main', 'store', 'storeReadWorker.mjs'), join(childDir, 'storeReadWorker.mjs'));
  // tmpfs where there is one: a SIGKILL loses nothing the page cache holds, so fsync speed is beside the point.
  dir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/atrium-crash-') : tempDir();
  const store = await openTestStore(dir);
  new Worklist(store).ingest({ encounters: sampleEncounters(1500) }, { synthetic: true });
  store.close();
});
afterAll(() => {
  rmSync(childDir, { recursive: true, force: true });
  if (dir.startsWith('/dev/shm/')) rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until SIGKILL after `killAfterReadyMs` (or from spawn, for kills during open). */
function runAndKill(delayMs: number, fromSpawn: boolean): Promise<{ committed: string[]; reachedReady: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childFile, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    if (fromSpawn) kill();
    child.stdout.on('data', (chunk: Buffer) => {
      const first = !out.includes('ready\n');
      out += chunk.toString();
      if (!fromSpawn && first && out.includes('ready\n')) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) return reject(new Error(`child failed (${code}): ${err}`));
      // Only complete lines: the child printed them after the commit returned.
      const lines = out.split('\n').slice(0, -1);
      resolve({ committed: lines.filter((l) => l.startsWith('committed ')).map((l) => l.split(' ')[1] as string), reachedReady: lines.includes('ready') });
    });
  });
}

describe('crash safety', () => {
  it(`keeps every committed submit exactly once and no half-written draft across ${RUNS} SIGKILLs`, async () => {
    const rand = prng(20260125);
    const committed: string[] = [];
    let killedMidWork = 0;
    for (let run = 0; run < RUNS; run++) {
      const fromSpawn = run % 5 === 4;
      const result = await runAndKill(fromSpawn ? 20 + Math.floor(rand() * 120) : Math.floor(rand() * 120), fromSpawn);
      committed.push(...result.committed);
      if (result.reachedReady) killedMidWork++;

      const store = await openTestStore(dir);
      expect(store.status.readOnly).toBe(false);
      const outbox = store.db.prepare<[], { client_mutation_id: string; kind: string }>("SELECT client_mutation_id, kind FROM outbox WHERE kind = 'submit_codes'").all();
      const counts = new Map<string, number>();
      for (const o of outbox) counts.set(o.client_mutation_id, (counts.get(o.client_mutation_id) ?? 0) + 1);
      for (const id of committed) expect(counts.get(id), `submit ${id} after run ${run}`).toBe(1);
      // Every submit row has its coding result and a submitted encounter; nothing in between.
      const orphans = store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox o LEFT JOIN coding_results r ON r.client_mutation_id = o.client_mutation_id LEFT JOIN encounters e ON e.id = o.encounter_id WHERE o.kind = 'submit_codes' AND (r.id IS NULL OR e.status != 'submitted')").get()!.n;
      expect(orphans).toBe(0);
      for (const d of store.db.prepare<[], { encounter_id: string; payload: string; revision: number }>('SELECT encounter_id, payload, revision FROM coding_drafts').all()) {
        const draft = CodingDraftSchema.parse(JSON.parse(d.payload));
        const [enc, k, pad] = (draft.comment ?? '').split(':');
        expect(enc).toBe(d.encounter_id);
        expect(draft.codes).toHaveLength(Number(k));
        expect(pad).toHaveLength(2000);
      }
      expect(store.db.pragma('quick_check', { simple: true })).toBe('ok');
      expect(store.verifyAudit().ok).toBe(true);
      store.close();
    }
    // The runs did real work: most kills landed while submits were going on.
    expect(killedMidWork).toBeGreaterThan(RUNS / 2);
    expect(committed.length).toBeGreaterThanOrEqual(10);
  }, 180_000);
});
