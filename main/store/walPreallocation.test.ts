import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { Worklist } from '../worklist/worklist.js';
import { openConnection, type Db } from './store.js';
import { loadStoreKey } from './storeKey.js';
import { openTestStore, sampleEncounters, sampleNotes, testStoreOptions } from './storeTestKit.js';
import { growWal, walBytesFor } from './walPreallocation.js';

const draft = { codes: [{ code: 'J18.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };
const CHUNK = 256 * 1024;

function ingest(worklist: Worklist, n: number, prefix = 'E'): void {
  const encounters = sampleEncounters(n, prefix);
  worklist.ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
}

function submitAll(worklist: Worklist): number {
  let n = 0;
  for (let item = worklist.claimNext('alice'); item; item = worklist.claimNext('alice')) {
    worklist.saveDraft(item.id, 'alice', draft);
    worklist.submit(item.id, 'alice');
    n++;
  }
  return n;
}

/** Grows the WAL to room for `frames` frames through a second connection, as the checkpointer does. */
async function growToFrames(dir: string, frames: number): Promise<{ connection: Db; target: number; steps: number }> {
  const file = join(dir, 'atrium.db');
  const key = await loadStoreKey(testStoreOptions(dir).sealer, file, { create: false });
  const connection = openConnection(file, key, false, {});
  const target = walBytesFor(connection, frames);
  let steps = 0;
  while ((growWal(connection, `${file}-wal`, target, CHUNK) ?? 0) < target) steps++;
  return { connection, target, steps };
}

/** What a process killed now leaves: the database file and its WAL, copied while nothing commits. */
function crashImage(dir: string): string {
  const image = tempDir();
  for (const f of ['atrium.db', 'atrium.db-wal', 'atrium.db.key', 'sealer.key']) copyFileSync(join(dir, f), join(image, f));
  return image;
}

async function submittedIn(dir: string): Promise<{ submitted: number; integrity: string }> {
  const store = await openTestStore(dir, { integrityCheck: 'none' });
  const submitted = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM coding_results').get()?.n ?? -1;
  const integrity = store.db.pragma('integrity_check', { simple: true }) as string;
  store.close();
  return { submitted, integrity };
}

describe('growing the WAL file ahead of commits', () => {
  it('appends zeros in pieces past the last frame; commits then overwrite them, and a crash image recovers every commit', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    const worklist = new Worklist(store);
    ingest(worklist, 6);
    const wal = join(dir, 'atrium.db-wal');
    const framesEnd = statSync(wal).size;

    const { connection, target, steps } = await growToFrames(dir, 600);
    expect(target).toBe(32 + 600 * (24 + 4096));
    expect(steps).toBeGreaterThan(1); // in pieces, not at once
    expect(statSync(wal).size).toBe(target);
    expect(readFileSync(wal).subarray(framesEnd).every((b) => b === 0)).toBe(true);
    // Grown already: another call writes nothing.
    expect(growWal(connection, wal, target, CHUNK)).toBe(target);

    expect(submitAll(worklist)).toBe(6);
    expect(statSync(wal).size).toBe(target); // written into the grown file, not past it
    expect(await submittedIn(crashImage(dir))).toEqual({ submitted: 6, integrity: 'ok' });
    connection.close();
    store.close();
    expect(await submittedIn(dir)).toEqual({ submitted: 6, integrity: 'ok' });
  });

  it('leaves a WAL of zeros alone on recovery (a crash before the first frame loses nothing), and the next commit starts the log over them', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    const worklist = new Worklist(store);
    ingest(worklist, 3);
    submitAll(worklist);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(join(dir, 'atrium.db-wal')).size).toBe(0);

    const { connection } = await growToFrames(dir, 100);
    expect(await submittedIn(crashImage(dir))).toEqual({ submitted: 3, integrity: 'ok' });
    // The next commit writes the log's header over the zeros.
    ingest(worklist, 2, 'F');
    expect(submitAll(worklist)).toBe(2);
    expect(await submittedIn(crashImage(dir))).toEqual({ submitted: 5, integrity: 'ok' });
    connection.close();
    store.close();
  });

  it('on a full disk throws the file system’s error and leaves the write lock free', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    // Writing to /dev/full fails with ENOSPC, as a WAL on a full disk would.
    expect(() => growWal(store.db, '/dev/full', 1 << 20, CHUNK)).toThrow(/ENOSPC/);
    const worklist = new Worklist(store);
    ingest(worklist, 1);
    expect(submitAll(worklist)).toBe(1);
    store.close();
  });

  it('does nothing where there is no WAL', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    expect(growWal(store.db, join(dir, 'no-such.db-wal'), 1 << 20, CHUNK)).toBeNull();
    store.close();
  });
});
