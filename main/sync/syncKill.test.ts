import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeStandIn } from '../../test/standins/snowflake/server.js';
import { bundleNodeChild } from '../../test/support/nodeChild.js';
import { tempDir } from '../../test/support/tempDir.js';
import { SnowflakeAdmin } from '../warehouse/snowflake/snowflakeAdmin.js';
import { prng } from '../app/prng.js';
import { SqliteSyncStore } from './sqliteSyncStore.js';

// Each run pays the driver's start-up (1-4 s here), so the full 30 runs are CI's (CI=true) and an
// explicit ATRIUM_KILL_RUNS; a local `vitest run` does 8.
const RUNS = Number(process.env.ATRIUM_KILL_RUNS ?? (process.env.CI ? 30 : 8));
const HARD_LIMIT_MS = 15_000;

/**
 * The sync process killed with SIGKILL at random points (connecting, staging, between the MERGE and the
 * local ack, mid-pull) in 30 runs, with local writes between runs; afterwards one clean run, and the
 * ledger must hold every mutation exactly once and the store must match the warehouse.
 */
describe('sync killed with SIGKILL at random points', () => {
  let dir: string;
  let standIn: SnowflakeStandIn;
  let admin: SnowflakeAdmin;
  let child: string;
  let keyFile: string;

  beforeAll(async () => {
    dir = tempDir('atrium-kill-');
    standIn = await new SnowflakeStandIn().start();
    admin = new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params));
    await admin.upsertEncounters([{ encounterId: 'E-K', mrn: 'MK', assignedTo: 'alice' }]);
    await admin.upsertEncounters(Array.from({ length: 150 }, (_, i) => ({ encounterId: `K-${i}`, mrn: `M${i}` })));
    keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey);
    child = join(import.meta.dirname, '..', '..', '.cache', 'sync-kill', `child-${process.pid}.mjs`);
    await bundleNodeChild(join(import.meta.dirname, 'syncKillChild.ts'), child, ['snowflake-sdk']);
  });

  afterAll(async () => {
    rmSync(child, { force: true });
    await standIn?.stop();
  });

  const runChild = (killAfterMs: number | null) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
      let output = '';
      const p = spawn(process.execPath, [child, join(dir, 'store.sqlite'), standIn.url, keyFile, dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      p.stdout?.on('data', (d: Buffer) => {
        output += d.toString();
        if (killAfterMs !== null && timer === undefined && output.includes('ready')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      });
      p.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      // A run that never gets going is killed too, and says so in its output.
      const limit = setTimeout(() => {
        output += `\n[no exit after ${HARD_LIMIT_MS} ms]`;
        p.kill('SIGKILL');
      }, HARD_LIMIT_MS);
      p.on('exit', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(limit);
        resolve({ code, signal, output: output.slice(-2000) });
      });
    });

  it(`holds every mutation exactly once after ${RUNS} kills, and the store converges`, { timeout: RUNS * 20_000 }, async () => {
    const store = new SqliteSyncStore(join(dir, 'store.sqlite'));
    const ids: string[] = [];
    const enqueue = (n: number) => {
      for (let i = 0; i < n; i++) ids.push(store.enqueue({ kind: 'submit_codes', coder: 'alice', encounterId: 'E-K', payload: { codes: ['I10'], n: ids.length } }));
    };
    enqueue(40);
    let killed = 0;
    // Seeded delays, short enough that on a fast, idle machine most kills still land mid-sync.
    const delay = prng(0x51c);
    for (let run = 0; run < RUNS; run++) {
      const started = Date.now();
      const outcome = await runChild(Math.floor(delay() * 200));
      if (outcome.signal === 'SIGKILL') killed++;
      if (process.env.ATRIUM_KILL_DEBUG) process.stderr.write(`run ${run}: ${Date.now() - started} ms ${outcome.signal ?? outcome.code} ${outcome.output.replace(/\s+/g, ' ').slice(0, 300)}\n`);
      // Local work goes on between runs, and the server keeps changing.
      enqueue(8);
      if (run % 5 === 0) await admin.reassign(`K-${run}`, 'bob');
    }
    store.close();
    // How many runs finish before their kill depends on the machine's speed; some must be killed.
    expect(killed).toBeGreaterThan(0);
    // The kills landed in the middle of real work, not only before it started.
    expect((await admin.ledger()).filter((r) => r.kind === 'submit_codes').length).toBeGreaterThan(0);
    const final = await runChild(null);
    expect(final, final.output).toMatchObject({ code: 0 });

    const after = new SqliteSyncStore(join(dir, 'store.sqlite'));
    expect(after.pendingCount()).toBe(0);
    expect(after.deadLetterCount()).toBe(0);
    const ledger = (await admin.ledger()).filter((r) => r.kind === 'submit_codes');
    expect(ledger).toHaveLength(ids.length);
    expect(new Set(ledger.map((r) => r.clientMutationId))).toEqual(new Set(ids));
    expect(ledger.every((r) => r.outcome === 'accepted')).toBe(true);
    // Converged: the cursor is at the end of the change table and every encounter is at its latest version.
    expect(after.cursor('worklist')).toBe(await admin.changeCount());
    for (const id of ['E-K', 'K-0', 'K-25', 'K-149']) {
      expect(after.encounter(id)).toMatchObject({ version: (await admin.encounter(id))?.version, assignedTo: (await admin.encounter(id))?.assignedTo });
    }
    after.close();
  });
});
