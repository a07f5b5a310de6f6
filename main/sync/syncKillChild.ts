// Test helper (never shipped): one sync process, run by syncKill.test.ts and killed with SIGKILL at a
// random point. Args: <store.sqlite> <accessUrl> <private-key.pem> <log dir>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { SealedCredentialManager } from '../warehouse/snowflake/sealedCredentialManager.js';
import { configureDriver, SnowflakeWarehouse } from '../warehouse/snowflake/snowflakeWarehouse.js';
import { SqliteSyncStore } from './sqliteSyncStore.js';
import { SyncEngine } from './syncEngine.js';

const [storeFile, accessUrl, keyFile, dir] = process.argv.slice(2) as [string, string, string, string];
configureDriver({ logFile: join(dir, 'snowflake.log'), logLevel: 'ERROR', credentials: new SealedCredentialManager(new FileKeySealer(dir), join(dir, 'tokens')) });
const store = new SqliteSyncStore(storeFile);
const warehouse = new SnowflakeWarehouse(
  { accessUrl, account: 'standin', username: 'ATRIUM_SVC', auth: { kind: 'keypair', privateKey: readFileSync(keyFile, 'utf8') }, retry: { startingSleepSeconds: 0.01, maxSleepSeconds: 0.02, maxRetries: 3 } },
  createMemoryLogger(),
);
const engine = new SyncEngine({ store, warehouse: () => warehouse, log: createMemoryLogger(), batchSize: 15, pageSize: 40 });
await warehouse.open();
// Connected: the parent's kill timer starts now, so it lands in the sync itself.
process.stdout.write('ready\n');
let report = await engine.syncNow();
for (let i = 0; i < 5 && (!report.ok || store.pendingCount() > 0); i++) report = await engine.syncNow();
process.stdout.write(`${JSON.stringify({ ok: report.ok, pending: store.pendingCount(), error: report.error })}\n`);
store.close();
await warehouse.close();
process.exit(report.ok ? 0 : 1);
