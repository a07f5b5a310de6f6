// `npm run bench -- sync [--push N] [--pull N] [--naive N]`: pulls encounters (each with a ~4 KB note)
// and pushes submissions through the real snowflake-sdk driver and the Snowflake stand-in, and in the
// same run a naive baseline sending one INSERT per row. The stand-in runs in its own process, as a
// server would. One JSON line last on stdout.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMemoryLogger } from '../main/log/logger.js';
import { FileKeySealer } from '../main/security/secretSealer.js';
import { SqliteSyncStore } from '../main/sync/sqliteSyncStore.js';
import { SyncEngine } from '../main/sync/syncEngine.js';
import { SealedCredentialManager } from '../main/warehouse/snowflake/sealedCredentialManager.js';
import { configureDriver, SnowflakeWarehouse } from '../main/warehouse/snowflake/snowflakeWarehouse.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { benchLog, printResult, round } from './harness.js';

const { values } = parseArgs({ options: { push: { type: 'string', default: '20000' }, pull: { type: 'string', default: '20000' }, naive: { type: 'string', default: '1000' } } });
const PUSH = Number(values.push);
const PULL = Number(values.pull);
const NAIVE = Number(values.naive);

const dir = mkdtempSync(join(tmpdir(), 'atrium-bench-sync-'));
benchLog(`starting the stand-in with ${PULL} encounters and notes`);
const child = spawn(process.execPath, ['--import', 'tsx', join(SOURCE_ROOT, 'test', 'standins', 'cli.ts'), 'snowflake', '--bulk', String(PULL), '--assign', 'coder'], {
  cwd: SOURCE_ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [firstLine] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
const accessUrl = (JSON.parse(firstLine) as { accessUrl: string }).accessUrl;
const log = createMemoryLogger();
configureDriver({ logFile: join(dir, 'snowflake.log'), logLevel: 'ERROR', credentials: new SealedCredentialManager(new FileKeySealer(dir), join(dir, 'tokens')) });
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const connect = () => new SnowflakeWarehouse({ accessUrl, account: 'standin', username: 'ATRIUM_BENCH', auth: { kind: 'keypair', privateKey } }, log);

try {
  // ---- pull: encounters with a ~4 KB note each, in pages ----
  const pullStore = new SqliteSyncStore(join(dir, 'pull.sqlite'));
  const puller = connect();
  await puller.open();
  const pullEngine = new SyncEngine({ store: pullStore, warehouse: () => puller, log, pageSize: 1000 });
  benchLog(`pulling ${PULL} encounters and notes`);
  const t2 = performance.now();
  const pulled = await pullEngine.syncNow();
  const pullMs = performance.now() - t2;
  if (!pulled.ok) throw new Error(`pull failed: ${pulled.error}`);
  const counts = pullStore.counts();
  const inSync = pullStore.cursor('worklist');
  pullStore.close();
  await puller.close();

  // ---- push: the outbox drained through the staging table and one MERGE per batch ----
  // The pushing station is already up to date, so its sync's pull is one empty page and the time is the push's.
  const store = new SqliteSyncStore(join(dir, 'push.sqlite'));
  store.applyPulled('worklist', [], [], inSync);
  store.db.transaction(() => {
    for (let i = 0; i < PUSH; i++) {
      store.enqueue({ kind: 'submit_codes', coder: 'coder', encounterId: `P-${i % Math.max(1, PULL)}`, payload: { codes: ['I10', 'E11.9', 'N18.3'], principal: 'I10', note: 'reviewed', i } });
    }
  })();
  const pusher = connect();
  await pusher.open();
  const engine = new SyncEngine({ store, warehouse: () => pusher, log, batchSize: pusher.maxBatch });
  benchLog(`pushing ${PUSH} submissions in batches of ${pusher.maxBatch}`);
  const t0 = performance.now();
  const pushed = await engine.syncNow();
  const pushMs = performance.now() - t0;
  if (!pushed.ok || store.pendingCount() !== 0 || store.deadLetterCount() !== 0) throw new Error(`push failed: ${pushed.error ?? `${store.deadLetterCount()} dead letters`}`);
  store.close();
  await pusher.close();

  // ---- naive baseline: one INSERT per row, same driver, same stand-in ----
  const naive = connect();
  await naive.open();
  benchLog(`naive baseline: ${NAIVE} single-row INSERTs`);
  const t1 = performance.now();
  for (let i = 0; i < NAIVE; i++) {
    await naive.run(
      `INSERT INTO MEDICAL_CODING_ML.CODING.CODING_SUBMISSIONS (CLIENT_MUTATION_ID, CODER, KIND, ENCOUNTER_ID, CLIENT_SEQ, PAYLOAD, OUTCOME, REASON, RECEIVED_AT_MS) VALUES (?, ?, ?, ?, ?, ?, 'accepted', NULL, ?)`,
      [randomUUID(), 'coder', 'submit_codes', 'P-0', i, JSON.stringify({ codes: ['I10'], i }), Date.now()],
    );
  }
  const naiveMs = performance.now() - t1;
  await naive.close();

  printResult({
    pushPerSec: round((PUSH / pushMs) * 1000, 0),
    pullPerSec: round((counts.encounters / pullMs) * 1000, 0),
    pullChangesPerSec: round((pulled.pulled / pullMs) * 1000, 0),
    batches: pushed.batches,
    pages: pulled.pages,
    bytes: pushed.bytesUp + pulled.bytesDown,
    bytesUp: pushed.bytesUp,
    bytesDown: pulled.bytesDown,
    naivePushPerSec: round((NAIVE / naiveMs) * 1000, 0),
    pushed: PUSH,
    pulledEncounters: counts.encounters,
    pulledNotes: counts.notes,
    naiveRows: NAIVE,
  });
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
