import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { Worklist } from '../worklist/worklist.js';
import type { Store } from './store.js';
import { openTestStore, sampleEncounters, sampleNotes } from './storeTestKit.js';
import { WAL_BACKSTOP_PAGES } from './walCheckpointer.js';

const draft = { codes: [{ code: 'J18.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };

function submitSome(store: Store, n: number): void {
  const worklist = new Worklist(store);
  const encounters = sampleEncounters(n);
  worklist.ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
  for (let i = 0; i < n; i++) {
    const item = worklist.claimNext('alice');
    if (!item) throw new Error('ran out of encounters');
    worklist.saveDraft(item.id, 'alice', draft);
    worklist.submit(item.id, 'alice');
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Each thread of this process and its nice value (field 19 of /proc/self/task/<tid>/stat; Linux only). */
function threadNiceness(): Map<string, number> {
  const nice = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      // The thread's name is in parentheses and may hold spaces: count fields after the last ')'.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      nice.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread ended while we looked.
    }
  }
  return nice;
}

/** The submits found in the database file alone, without its WAL: what a checkpoint has copied there. */
async function submitsInMainFile(dir: string): Promise<number> {
  const copy = tempDir();
  for (const f of ['atrium.db', 'atrium.db.key', 'sealer.key']) copyFileSync(join(dir, f), join(copy, f));
  const store = await openTestStore(copy, { readOnly: true, integrityCheck: 'none' });
  const n = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM coding_results').get()?.n ?? -1;
  store.close();
  return n;
}

describe('background WAL checkpoints', () => {
  it('copy committed work into the database file from a worker, never inside a commit, and truncate the WAL at close', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir, { backgroundCheckpointMs: 5 });
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BACKSTOP_PAGES);
    submitSome(store, 12);
    const checkpointer = store.checkpointer!;
    await until(() => (checkpointer.lastCheckpoint?.walFrames ?? 0) > 0 && checkpointer.lastCheckpoint?.backfilledFrames === checkpointer.lastCheckpoint?.walFrames, 'a full background checkpoint');
    expect(checkpointer.lastError).toBeNull();
    expect(await submitsInMainFile(dir)).toBe(12);
    store.close();
    expect(existsSync(join(dir, 'atrium.db-wal')) ? statSync(join(dir, 'atrium.db-wal')).size : 0).toBe(0);
  });

  it('grow the WAL file to room for the backstop’s frames, so commits overwrite it instead of extending it', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir, { backgroundCheckpointMs: 5 });
    const wal = join(dir, 'atrium.db-wal');
    const working = 32 + WAL_BACKSTOP_PAGES * (24 + 4096);
    await until(() => statSync(wal).size >= working, 'the WAL grown to its working size');
    submitSome(store, 5);
    expect(statSync(wal).size).toBe(working);
    expect(store.checkpointer?.lastError).toBeNull();
    store.close();
    expect(await submitsInMainFile(dir)).toBe(5);
  });

  it('are off unless asked for: commits then checkpoint themselves past 1,000 pages, as SQLite does by default', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    expect(store.checkpointer).toBeNull();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    submitSome(store, 3);
    // Nothing, not even the schema, has reached the database file: the WAL is below the automatic checkpoint.
    await expect(submitsInMainFile(dir)).rejects.toThrow(/no Atrium schema yet/);
    store.close();
  });

  it.skipIf(process.platform !== 'linux')('run their thread at the lowest CPU priority, leaving the rest of the process as it was', async () => {
    const before = threadNiceness();
    const store = await openTestStore(tempDir(), { backgroundCheckpointMs: 5 });
    const lowered = () => [...threadNiceness()].filter(([tid, nice]) => nice === 19 && !before.has(tid));
    await until(() => lowered().length === 1, 'the checkpointer thread at nice 19');
    const after = threadNiceness();
    expect(after.get(String(process.pid))).toBe(before.get(String(process.pid)));
    for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice);
    store.close();
  });

  it('never run on a read-only store', async () => {
    const dir = tempDir();
    (await openTestStore(dir)).close();
    const store = await openTestStore(dir, { readOnly: true, backgroundCheckpointMs: 5 });
    expect(store.checkpointer).toBeNull();
    store.close();
  });
});
