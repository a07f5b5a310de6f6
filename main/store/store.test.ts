import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, openSync, readFileSync, closeSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { Worklist } from '../worklist/worklist.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { Store } from './store.js';

/** The schema this build ships, and the one a failing or newer migration would bring. */
const CURRENT = MIGRATIONS.at(-1)?.version ?? 0;
const NEXT = CURRENT + 1;
import { StoreError } from './storeErrors.js';
import { backupStore, exportUnsent, restoreStore, storeStats } from './storeOps.js';
import { cipherThatOpens, createChaCha20Store, openTestStore, sampleEncounters, sampleNotes, testStoreOptions } from './storeTestKit.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return { code: (error as StoreError).code, message: (error as StoreError).message };
  }
  throw new Error('expected the promise to reject');
};

async function seeded(dir: string, n = 20): Promise<Store> {
  const store = await openTestStore(dir);
  const encounters = sampleEncounters(n);
  new Worklist(store).ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
  return store;
}

describe('the encrypted store', () => {
  it('is encrypted at rest, in WAL with synchronous=FULL, and migrated to the latest schema', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.status.schemaVersion).toBe(MIGRATIONS.at(-1)?.version);
    store.close();
    const file = join(dir, 'atrium.db');
    expect(readFileSync(file).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(readFileSync(file).includes(Buffer.from('pneumonia'))).toBe(false);
    expect(existsSync(`${file}.key`)).toBe(true);
    const raw = new Database(file);
    expect(() => raw.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
    raw.close();
  });

  it('encrypts a new store with AEGIS, and keeps opening a store made with ChaCha20 under that cipher', async () => {
    const fresh = tempDir();
    const made = await seeded(fresh, 2);
    expect(storeStats(made).cipher).toBe('aegis');
    made.close();
    expect(await cipherThatOpens(fresh)).toBe('aegis');

    const legacy = tempDir();
    await createChaCha20Store(legacy);
    (await seeded(legacy, 3)).close();
    const reopened = await openTestStore(legacy);
    expect(reopened.status.readOnly).toBe(false);
    expect(new Worklist(reopened).counts().byStatus.ready).toBe(3);
    expect(storeStats(reopened).cipher).toBe('chacha20');
    reopened.close();
    expect(await cipherThatOpens(legacy)).toBe('chacha20');
  });

  it('opens a ChaCha20 store whose WAL still holds committed frames (a crash image) with every one of them', async () => {
    const legacy = tempDir();
    await createChaCha20Store(legacy);
    const store = await seeded(legacy, 4);
    store.db.pragma('wal_autocheckpoint = 0');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const worklist = new Worklist(store);
    const item = worklist.claimNext('alice')!;
    worklist.saveDraft(item.id, 'alice', { codes: [{ code: 'J18.9', system: 'ICD-10-CM', decision: 'accepted', principal: true }] });
    worklist.submit(item.id, 'alice');
    // What a killed process leaves: the database file and a WAL whose frames no checkpoint has copied.
    const image = tempDir();
    for (const f of ['atrium.db', 'atrium.db-wal', 'atrium.db.key', 'sealer.key']) copyFileSync(join(legacy, f), join(image, f));
    store.close();
    expect(statSync(join(image, 'atrium.db-wal')).size).toBeGreaterThan(0);

    const reopened = await openTestStore(image, { integrityCheck: 'full' });
    expect(reopened.status.readOnlyReason).toBeNull();
    expect(new Worklist(reopened).counts().byStatus).toMatchObject({ submitted: 1, ready: 3 });
    reopened.close();
    expect(await cipherThatOpens(image)).toBe('chacha20');
  });

  it('commits soft state without a WAL flush of its own and goes back to flushing every commit, even after a failed write', async () => {
    const store = await seeded(tempDir(), 2);
    const level = () => store.db.pragma('synchronous', { simple: true });
    expect(store.write(level, { flush: 'with-next-commit' })).toBe(1); // NORMAL: no fsync at commit
    expect(level()).toBe(2);
    expect(() =>
      store.write(() => {
        throw new Error('boom');
      }, { flush: 'with-next-commit' }),
    ).toThrow('boom');
    expect(level()).toBe(2);
    expect(store.write(level)).toBe(2);
    // Nested in a flushed write, the outer commit decides.
    expect(store.write(() => store.write(level, { flush: 'with-next-commit' }))).toBe(2);
    store.close();
  });

  it('refuses a wrong key and a missing key with clear errors, leaving the file untouched', async () => {
    const dir = tempDir();
    (await seeded(dir)).close();
    const other = tempDir();
    (await openTestStore(other)).close();
    const file = join(dir, 'atrium.db');
    const before = sha(file);
    // The key of another store, sealed by the right sealer: decrypts to the wrong key.
    copyFileSync(join(other, 'sealer.key'), join(dir, 'sealer.key'));
    copyFileSync(join(other, 'atrium.db.key'), `${file}.key`);
    const wrong = await codeOf(openTestStore(dir));
    expect(wrong.code).toBe('wrong_key');
    expect(wrong.message).toMatch(/cannot be decrypted/);
    // A key sealed by another machine's sealer cannot even be unsealed.
    const third = tempDir();
    copyFileSync(file, join(third, 'atrium.db'));
    copyFileSync(`${file}.key`, join(third, 'atrium.db.key'));
    expect((await codeOf(openTestStore(third))).code).toBe('wrong_key');
    const missing = tempDir();
    copyFileSync(file, join(missing, 'atrium.db'));
    expect((await codeOf(openTestStore(missing))).code).toBe('key_missing');
    expect(sha(file)).toBe(before);
  });

  it('opens a damaged store read-only with a reason, and still exports unsent work', async () => {
    const dir = tempDir();
    const store = await seeded(dir, 300);
    const w = new Worklist(store);
    const item = w.claimNext('coder');
    w.saveDraft(item!.id, 'coder', { codes: [{ code: 'J18.9', system: 'ICD-10-CM', decision: 'accepted', principal: true }] });
    store.close();
    const file = join(dir, 'atrium.db');
    const pages = statSync(file).size / 4096;
    expect(pages).toBeGreaterThan(8);
    // Scribble over a page in the middle of the file.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(fd);
    // The default open checks only the tables with unsent work; `quick` reads every page.
    const damaged = await openTestStore(dir, { integrityCheck: 'quick' });
    expect(damaged.status.readOnly).toBe(true);
    expect(damaged.status.readOnlyReason).toMatch(/damaged.*read-only.*export/s);
    expect(() => new Worklist(damaged).saveDraft(item!.id, 'coder', { codes: [] })).toThrow(/read-only/);
    const out = exportUnsent(damaged, join(dir, 'rescue'));
    expect(out.files.length).toBe(4);
    damaged.close();
    // Page 1 scribbled: nothing can be read; the error says so and the file is not replaced.
    const fd1 = openSync(file, 'r+');
    writeSync(fd1, Buffer.alloc(4096, 0x11), 0, 4096, 0);
    closeSync(fd1);
    const before = sha(file);
    expect(['wrong_key', 'corrupt']).toContain((await codeOf(openTestStore(dir))).code);
    expect(sha(file)).toBe(before);
  });

  it('rolls back a failed migration completely', async () => {
    const dir = tempDir();
    (await seeded(dir)).close();
    const broken: Migration = {
      version: NEXT,
      name: 'broken',
      up(db) {
        db.exec('CREATE TABLE extra (x INTEGER); ALTER TABLE encounters ADD COLUMN extra_flag INTEGER');
        db.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    const failed = await codeOf(openTestStore(dir, { migrations: [...MIGRATIONS, broken] }));
    expect(failed.code).toBe('migration_failed');
    expect(failed.message).toMatch(new RegExp(`${String(NEXT).padStart(4, '0')}-broken.*rolled back`));
    const store = await openTestStore(dir);
    expect(store.status.schemaVersion).toBe(CURRENT);
    expect(store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT count(*) AS n FROM encounters').get()).toEqual({ n: 20 });
    store.close();
  });

  it('opens a store from a newer Atrium read-only, with the reason', async () => {
    const dir = tempDir();
    const next: Migration = { version: NEXT, name: 'future', up: (db) => db.exec('CREATE TABLE future (x INTEGER)') };
    const newer = await openTestStore(dir, { migrations: [...MIGRATIONS, next] });
    new Worklist(newer).ingest({ encounters: sampleEncounters(3) }, { synthetic: true });
    newer.close();
    const store = await openTestStore(dir);
    expect(store.status.readOnly).toBe(true);
    expect(store.status.readOnlyReason).toContain(`newer version of Atrium (schema ${NEXT}, this version knows ${CURRENT})`);
    const w = new Worklist(store);
    expect(w.list().items).toHaveLength(3);
    expect(() => w.claimNext('coder')).toThrow(StoreError);
    store.close();
    const again = await openTestStore(dir, { migrations: [...MIGRATIONS, next] });
    expect(again.status.readOnly).toBe(false);
    again.close();
  });

  it('lets one writer at a time; a second gets a clear error or a read-only store', async () => {
    const dir = tempDir();
    const first = await seeded(dir);
    const second = await codeOf(openTestStore(dir));
    expect(second.code).toBe('locked_by_other');
    expect(second.message).toMatch(/already in use by another Atrium process/);
    const reader = await openTestStore(dir, { fallbackToReadOnly: true });
    expect(reader.status.readOnly).toBe(true);
    // The writer keeps working while the reader reads.
    const w = new Worklist(first);
    const claimed = w.claimNext('a');
    expect(new Worklist(reader).list({ filter: { status: ['in_progress'] } }).items.map((i) => i.id)).toEqual([claimed!.id]);
    reader.close();
    first.close();
    const next = await openTestStore(dir);
    expect(next.status.readOnly).toBe(false);
    next.close();
  });

  it('reports a full disk (size-limited database) and loses nothing', async () => {
    const dir = tempDir();
    const store = await seeded(dir, 50);
    const w = new Worklist(store);
    const item = w.claimNext('coder')!;
    const small = { codes: [{ code: 'A41.9', system: 'ICD-10-CM' as const, decision: 'accepted' as const, principal: true }] };
    w.saveDraft(item.id, 'coder', small);
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 1}`);
    const huge = { ...small, comment: 'x'.repeat(4000) };
    let error: unknown;
    try {
      for (let i = 0; i < 50; i++) w.saveDraft(item.id, 'coder', { ...huge, comment: `${i}${'y'.repeat(3990)}` }) && w.submit(item.id, 'coder');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('disk_full');
    expect((error as StoreError).message).toMatch(/full.*not saved/);
    // Everything committed before the failure is intact and the store still works once space returns.
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.db.pragma('max_page_count = 1073741823');
    const count = store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n;
    w.saveDraft(w.claimNext('coder')!.id, 'coder', small);
    expect(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n).toBeGreaterThanOrEqual(count);
    expect(store.verifyAudit().ok).toBe(true);
    store.close();
  });

  it('refuses real patient data without an OS keyring unless policy allows it', async () => {
    const dir = tempDir();
    let allow = false;
    const store = await openTestStore(dir, { allowPhiWithoutKeyring: () => allow });
    const w = new Worklist(store);
    expect(() => w.ingest({ encounters: sampleEncounters(1, 'R') }, { synthetic: false })).toThrow(/no OS keyring.*store\.allowPhiWithoutKeyring/);
    w.ingest({ encounters: sampleEncounters(1, 'D') }, { synthetic: true });
    allow = true;
    w.ingest({ encounters: sampleEncounters(1, 'R') }, { synthetic: false });
    expect(w.list().items.map((i) => [i.id, i.synthetic])).toEqual(expect.arrayContaining([['D000000', true], ['R000000', false]]));
    store.close();
  });

  it('backs up online to a copy that is still encrypted and unreadable without the key, and restores it', async () => {
    const dir = tempDir();
    const store = await seeded(dir);
    const w = new Worklist(store);
    w.saveDraft(w.claimNext('coder')!.id, 'coder', { codes: [{ code: 'A41.9', system: 'ICD-10-CM', decision: 'accepted', principal: true }] });
    const reader = await openTestStore(dir, { readOnly: true });
    const target = join(dir, 'backup.db');
    backupStore(reader, target);
    reader.close();
    expect(readFileSync(target).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(readFileSync(target).includes(Buffer.from('pneumonia'))).toBe(false);
    const raw = new Database(target, { readonly: true });
    expect(() => raw.prepare('SELECT * FROM encounters').all()).toThrow(/not a database/);
    raw.close();
    // Another machine (another sealer) cannot open it, even with the key file beside it.
    const elsewhere = tempDir();
    copyFileSync(target, join(elsewhere, 'atrium.db'));
    copyFileSync(`${target}.key`, join(elsewhere, 'atrium.db.key'));
    expect((await codeOf(openTestStore(elsewhere))).code).toBe('wrong_key');

    w.submit(w.claimNext('coder')!.id, 'coder').clientMutationId;
    // Restore refuses while the app writes the store.
    expect((await codeOf(restoreStore({ file: store.status.file, backup: target, sealer: testStoreOptions(dir).sealer }))).code).toBe('locked_by_other');
    store.close();
    const restored = await restoreStore({ file: join(dir, 'atrium.db'), backup: target, sealer: testStoreOptions(dir).sealer });
    expect(restored.movedAside).toMatch(/before-restore/);
    const back = await openTestStore(dir);
    expect(storeStats(back).tables.coding_drafts).toBe(1);
    expect(storeStats(back).tables.coding_results).toBe(0);
    back.close();
  });
});
