import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createMemoryLogger } from '../../log/logger.js';
import { FileKeySealer } from '../../security/secretSealer.js';
import { SnowflakeStandIn } from '../../../test/standins/snowflake/server.js';
import { tempDir } from '../../../test/support/tempDir.js';
import { warehouseConformance } from '../warehouseConformance.js';
import { SealedCredentialManager } from './sealedCredentialManager.js';
import { SnowflakeAdmin } from './snowflakeAdmin.js';
import { configureDriver, SnowflakeWarehouse } from './snowflakeWarehouse.js';

warehouseConformance('Snowflake (real driver against the stand-in)', async () => {
  const dir = tempDir('atrium-sf-');
  const standIn = await new SnowflakeStandIn().start();
  configureDriver({ logFile: join(dir, 'snowflake.log'), logLevel: 'WARN', credentials: new SealedCredentialManager(new FileKeySealer(dir), join(dir, 'tokens')) });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  return {
    admin: new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params)),
    connect: async () => {
      const w = new SnowflakeWarehouse(
        { accessUrl: standIn.url, account: 'standin', username: 'ATRIUM_SVC', auth: { kind: 'keypair', privateKey }, retry: { startingSleepSeconds: 0.01, maxSleepSeconds: 0.05, maxRetries: 5 } },
        createMemoryLogger(),
      );
      await w.open();
      return w;
    },
    cleanup: async () => {
      await standIn.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
