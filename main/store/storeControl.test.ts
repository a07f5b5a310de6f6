import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { Worklist } from '../worklist/worklist.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { askRunningStore, startStoreControl } from './storeControl.js';
import { backupStoreOffMain } from './storeOps.js';
import { openTestStore, sampleEncounters, sampleNotes } from './storeTestKit.js';

const draft = { codes: [{ code: 'J18.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };

describe('store operations while the app runs', () => {
  it('a store open read-only because it is newer than the app still answers stats, export and backup through its socket; a second Atrium behind it holds no writer lock, so it does not serve', async () => {
    const dir = tempDir();
    const future: Migration = { version: (MIGRATIONS.at(-1)?.version ?? 0) + 1, name: 'future', up: (db) => db.exec('CREATE TABLE future (x INTEGER)') };
    const newer = await openTestStore(dir, { migrations: [...MIGRATIONS, future] });
    const w = new Worklist(newer);
    w.ingest({ encounters: sampleEncounters(3) }, { synthetic: true });
    w.saveDraft(w.claimNext('coder')!.id, 'coder', draft);
    newer.close();

    const app = await openTestStore(dir);
    expect(app.status.readOnly).toBe(true);
    expect(app.holdsWriterLock).toBe(true);
    const second = await openTestStore(dir, { fallbackToReadOnly: true });
    expect(second.holdsWriterLock).toBe(false);
    second.close();

    const stop = await startStoreControl(app, dir);
    try {
      expect(await askRunningStore(dir, { op: 'stats' })).toMatchObject({ ok: true, result: { readOnly: true, tables: { encounters: 3, coding_drafts: 1 } } });
      expect(await askRunningStore(dir, { op: 'export', dir: join(dir, 'rescue') })).toMatchObject({ ok: true, result: { counts: { drafts: 1 } } });
      const copy = join(dir, 'copy.db');
      expect(await askRunningStore(dir, { op: 'backup', file: copy })).toMatchObject({ ok: true, result: { file: copy, keyFile: `${copy}.key` } });
      expect(readFileSync(copy).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
      expect(await askRunningStore(dir, { op: 'backup', file: copy })).toMatchObject({ ok: false, message: expect.stringMatching(/already exists/) });
    } finally {
      await stop();
      app.close();
    }
  });

  it('a backup for the running app is copied by a worker thread: the main event loop keeps turning meanwhile', async () => {
    const dir = tempDir();
    const store = await openTestStore(dir);
    const encounters = sampleEncounters(300);
    new Worklist(store).ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
    let turns = 0;
    let copying = true;
    const turn = () => {
      turns++;
      if (copying) setImmediate(turn);
    };
    setImmediate(turn);
    const target = join(dir, 'backup.db');
    const result = await backupStoreOffMain(store, target);
    copying = false;
    // Copied on this thread, the whole copy would happen within one turn, before `turn` ever ran.
    expect(turns).toBeGreaterThan(0);
    expect(existsSync(result.keyFile)).toBe(true);
    store.close();
    // The copy opens with its key and holds the store's contents.
    const copyDir = tempDir();
    copyFileSync(target, join(copyDir, 'atrium.db'));
    copyFileSync(result.keyFile, join(copyDir, 'atrium.db.key'));
    copyFileSync(join(dir, 'sealer.key'), join(copyDir, 'sealer.key'));
    const copy = await openTestStore(copyDir, { readOnly: true });
    expect(copy.db.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 300 });
    copy.close();
  });
});
