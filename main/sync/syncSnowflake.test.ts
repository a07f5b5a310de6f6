import { generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeStandIn } from '../../test/standins/snowflake/server.js';
import { tempDir } from '../../test/support/tempDir.js';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { SealedCredentialManager } from '../warehouse/snowflake/sealedCredentialManager.js';
import { SnowflakeAdmin } from '../warehouse/snowflake/snowflakeAdmin.js';
import { configureDriver, SnowflakeWarehouse } from '../warehouse/snowflake/snowflakeWarehouse.js';
import { SqliteSyncStore } from './sqliteSyncStore.js';
import { SyncEngine } from './syncEngine.js';

const run = promisify(execFile);
const MIGRATIONS = join(import.meta.dirname, '..', '..', 'cloud', 'warehouse', 'migrations');

describe('sync through the real Snowflake driver against the stand-in', () => {
  let dir: string;
  let standIn: SnowflakeStandIn;
  let admin: SnowflakeAdmin;
  let privateKey: string;
  const opened: SnowflakeWarehouse[] = [];

  beforeAll(async () => {
    dir = tempDir('atrium-sfsync-');
    // Large results in chunks, as Snowflake sends them: the driver's download path runs in every test here.
    standIn = await new SnowflakeStandIn({ inlineRows: 500 }).start();
    admin = new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params));
    configureDriver({ logFile: join(dir, 'snowflake.log'), logLevel: 'ERROR', credentials: new SealedCredentialManager(new FileKeySealer(dir), join(dir, 'tokens')) });
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    await admin.upsertEncounters([
      { encounterId: 'E-alice', mrn: 'M1', assignedTo: 'alice' },
      { encounterId: 'E-contested', mrn: 'M2' },
    ]);
  });

  afterAll(async () => {
    for (const w of opened) await w.close();
    await standIn.stop();
  });

  const snowflake = (maxBatch = 1000) => {
    const w = new SnowflakeWarehouse(
      { accessUrl: standIn.url, account: 'standin', username: 'ATRIUM_SVC', auth: { kind: 'keypair', privateKey }, retry: { startingSleepSeconds: 0.01, maxSleepSeconds: 0.02, maxRetries: 4 }, maxBatch },
      createMemoryLogger(),
    );
    opened.push(w);
    return w;
  };
  const engineFor = (store: SqliteSyncStore, warehouse: SnowflakeWarehouse, batchSize = 50) =>
    new SyncEngine({ store, warehouse: () => warehouse, log: createMemoryLogger(), batchSize, pageSize: 500 });

  it('lands every mutation exactly once through a response dropped after commit, a 503, session expiry mid-batch and a cut body', async () => {
    const store = new SqliteSyncStore(join(dir, 'faults.sqlite'));
    const ids = Array.from({ length: 300 }, (_, i) =>
      store.enqueue(i % 3 === 0 ? { kind: 'audit', coder: 'alice', encounterId: null, payload: { i } } : { kind: 'submit_codes', coder: 'alice', encounterId: 'E-alice', payload: { codes: ['I10'], i } }),
    );
    const engine = engineFor(store, snowflake());
    // Each fault the driver retries itself costs one of its own back-off sleeps (1-3 s, not configurable),
    // so one of each: the point is that every kind of failure is survived, not how many.
    const f = standIn.faults;
    f.dropAfterCommit = 1; // MERGE committed, the answer lost: the driver sends it again
    f.dropAfterCommitMatch = /^MERGE/i;
    f.unavailable = 1; // 503 on the staging insert
    f.unavailableMatch = /^INSERT INTO PUSH_BATCH/i;
    f.expireSession = 2; // between the staging insert and the MERGE: the driver renews the token and replays
    f.expireSessionMatch = /^MERGE/i;
    f.truncateBody = 1; // half a response, then the connection cut
    const renewalsBefore = standIn.stats.renewals;
    let rounds = 0;
    while (store.pendingCount() > 0 && rounds++ < 10) await engine.syncNow();
    expect(store.pendingCount()).toBe(0);
    expect(store.deadLetterCount()).toBe(0);
    expect(standIn.stats.renewals - renewalsBefore).toBeGreaterThanOrEqual(2);
    expect(f.dropAfterCommit + f.unavailable + f.expireSession + f.truncateBody).toBe(0);
    const ledger = (await admin.ledger()).filter((r) => ids.includes(r.clientMutationId));
    expect(ledger).toHaveLength(300);
    expect(new Set(ledger.map((r) => r.clientMutationId)).size).toBe(300);
    expect(ledger.every((r) => r.outcome === 'accepted')).toBe(true);
    const audit = await standIn.adminExec(`SELECT COUNT(*) AS N, COUNT(DISTINCT CLIENT_MUTATION_ID) AS D FROM MEDICAL_CODING_ML.AUDIT.DESKTOP_AUDIT`);
    expect(audit[0]).toEqual({ N: 100, D: 100 });
    store.close();
  });

  it('gives an encounter both coders claimed offline to exactly one; the other sees the conflict', async () => {
    const alice = new SqliteSyncStore(join(dir, 'alice.sqlite'));
    const bob = new SqliteSyncStore(join(dir, 'bob.sqlite'));
    alice.enqueue({ kind: 'claim', coder: 'alice', encounterId: 'E-contested', payload: {} });
    bob.enqueue({ kind: 'claim', coder: 'bob', encounterId: 'E-contested', payload: {} });
    const [ra, rb] = await Promise.all([engineFor(alice, snowflake()).syncNow(), engineFor(bob, snowflake()).syncNow()]);
    expect(ra.ok && rb.ok).toBe(true);
    const holder = (await admin.encounter('E-contested'))?.assignedTo;
    expect(['alice', 'bob']).toContain(holder);
    const loser = holder === 'alice' ? bob : alice;
    const winner = holder === 'alice' ? alice : bob;
    expect(winner.deadLetters()).toEqual([]);
    expect(loser.deadLetters()).toEqual([expect.objectContaining({ kind: 'claim', encounterId: 'E-contested', reason: 'claimed_by_other' })]);
    // Both converge on the server's answer after one more pull.
    await engineFor(loser, snowflake()).syncNow();
    expect(loser.encounter('E-contested')?.assignedTo).toBe(holder);
    alice.close();
    bob.close();
  });

  it('pulls 10,000 changes in pages (each a large result: rows inline, the rest in downloaded chunks) and converges; a second pull applies nothing', async () => {
    const chunksBefore = standIn.stats.chunks;
    await standIn.engineExec(
      `INSERT INTO CODING.ENCOUNTERS (ENCOUNTER_ID, MRN, STATUS, VERSION, UPDATED_AT_MS) SELECT 'BULK-' || i, 'MRN-' || i, 'open', 1, 1000 + i FROM range(10000) t(i)`,
    );
    const store = new SqliteSyncStore(join(dir, 'bulk.sqlite'));
    const engine = new SyncEngine({ store, warehouse: () => snowflake(), log: createMemoryLogger(), pageSize: 2000 });
    const report = await engine.syncNow();
    expect(report.ok).toBe(true);
    expect(report.pages).toBeGreaterThanOrEqual(5);
    // 2,000-row pages over the stand-in's 500 inline rows: three 500-row chunks per page, through the driver's download path.
    expect(standIn.stats.chunks - chunksBefore).toBeGreaterThanOrEqual(15);
    expect(store.counts().encounters).toBeGreaterThanOrEqual(10_000);
    expect(store.encounter('BULK-9999')).toMatchObject({ version: 1, status: 'open' });
    const changes = await admin.changeCount();
    expect(store.cursor('worklist')).toBe(changes);
    expect(await engine.syncNow()).toMatchObject({ ok: true, pulled: 0, applied: 0 });
    store.close();
  });

  it('applies the DDL migrations cleanly with npm run -w cloud warehouse:migrate, and again as a no-op', async () => {
    const fresh = await new SnowflakeStandIn({ migrate: false }).start();
    const keyFile = join(tempDir('atrium-migrate-'), 'admin.p8');
    writeFileSync(keyFile, privateKey, { mode: 0o600 });
    const env = { ...process.env, SNOWFLAKE_ACCOUNT: 'standin', SNOWFLAKE_USER: 'ATRIUM_ADMIN', SNOWFLAKE_PRIVATE_KEY_FILE: keyFile, SNOWFLAKE_ACCESS_URL: fresh.url };
    const w = new SnowflakeWarehouse({ accessUrl: fresh.url, account: 'standin', username: 'ATRIUM_ADMIN', auth: { kind: 'keypair', privateKey } }, createMemoryLogger());
    try {
      const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();
      expect(files.length).toBeGreaterThanOrEqual(6);
      for (let pass = 0; pass < 2; pass++) {
        const { stdout } = await run('npm', ['run', '--silent', '-w', 'cloud', 'warehouse:migrate'], { env, cwd: join(import.meta.dirname, '..', '..') });
        expect(stdout.trim().split('\n').map((line) => line.split(':')[0])).toEqual(files);
      }
      const tables = await w.run(`SELECT COUNT(*) AS N FROM information_schema.tables WHERE table_schema IN ('CODING', 'IMAGING', 'AUDIT')`);
      expect(tables[0]?.['N']).toBe(7);
      const columns = await w.run(`SELECT COUNT(*) AS N FROM information_schema.columns WHERE table_schema = 'CODING' AND table_name = 'ENCOUNTERS' AND column_name IN ('PAYER', 'SYNTHETIC')`);
      expect(columns[0]?.['N']).toBe(2);
    } finally {
      await w.close();
      await fresh.stop();
    }
  }, 60_000);
});
