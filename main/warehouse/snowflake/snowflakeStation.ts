import { z } from 'zod';
import type { Settings, SettingKey } from '../../../preload/contract.js';
import type { Logger } from '../../log/logger.js';
import { SealedJsonFile } from '../../security/sealedFile.js';
import type { SecretSealer } from '../../security/secretSealer.js';
import { WarehouseError } from '../warehouse.js';
import { SealedCredentialManager } from './sealedCredentialManager.js';
import { snowflakePaths } from './snowflakePaths.js';
import { configureDriver, SnowflakeWarehouse, type SnowflakeAuth, type SnowflakeConfig } from './snowflakeWarehouse.js';

/**
 * Snowflake as this station configures it: connection details from settings (policy may lock them),
 * secrets only sealed with the `SecretSealer` (the service key here, sign-in tokens in the driver's
 * cache through `SealedCredentialManager`), the driver's log file and level set by us.
 */

export type SettingReader = <K extends SettingKey>(key: K) => Settings[K];

const ServiceKey = z.object({ privateKey: z.string().includes('PRIVATE KEY'), passphrase: z.string().optional() });
export type ServiceKey = z.infer<typeof ServiceKey>;

/** The key-pair (JWT) private key for service use, sealed; never in settings. */
export function serviceKeyFile(sealer: SecretSealer, userDataDir: string, log: Logger): SealedJsonFile<typeof ServiceKey> {
  return new SealedJsonFile(sealer, snowflakePaths(userDataDir).key, ServiceKey, (error) => log.warn('warehouse.snowflake.key_unreadable', { error }));
}

export interface SnowflakeStationOptions {
  readonly setting: SettingReader;
  readonly userDataDir: string;
  readonly sealer: SecretSealer;
  readonly log: Logger;
  /** Opens the identity provider's page in the system browser (externalbrowser, oauth-pkce). */
  readonly openBrowser?: (url: string) => void;
}

/** Builds the configured Snowflake warehouse, or says which settings are missing. */
export async function openSnowflakeWarehouse(o: SnowflakeStationOptions): Promise<SnowflakeWarehouse> {
  const paths = snowflakePaths(o.userDataDir);
  configureDriver({ logFile: paths.log, logLevel: 'WARN', credentials: new SealedCredentialManager(o.sealer, paths.tokens) });
  const config = await snowflakeConfig(o);
  return new SnowflakeWarehouse(config, o.log);
}

export async function snowflakeConfig(o: SnowflakeStationOptions): Promise<SnowflakeConfig> {
  const account = o.setting('warehouse.snowflake.account');
  const username = o.setting('warehouse.snowflake.user');
  const missing = [account ? null : 'warehouse.snowflake.account', username ? null : 'warehouse.snowflake.user'].filter((k) => k !== null);
  if (!account || !username) throw notConfigured(`set ${missing.join(' and ')}`);
  const accessUrl = o.setting('warehouse.snowflake.accessUrl');
  const role = o.setting('warehouse.snowflake.role');
  const warehouse = o.setting('warehouse.snowflake.warehouse');
  const database = o.setting('warehouse.snowflake.database');
  const schema = o.setting('warehouse.snowflake.schema');
  return {
    account,
    username,
    ...(accessUrl ? { accessUrl } : {}),
    ...(role ? { role } : {}),
    ...(warehouse ? { warehouse } : {}),
    ...(database ? { database } : {}),
    ...(schema ? { schema } : {}),
    auth: await authFromSettings(o),
    ...(o.openBrowser ? { openBrowser: o.openBrowser } : {}),
  };
}

async function authFromSettings(o: SnowflakeStationOptions): Promise<SnowflakeAuth> {
  switch (o.setting('warehouse.snowflake.authenticator')) {
    case 'externalbrowser':
      return { kind: 'external-browser' };
    case 'oauth-pkce': {
      const clientId = o.setting('warehouse.snowflake.oauth.clientId');
      if (!clientId) throw notConfigured('set warehouse.snowflake.oauth.clientId for oauth-pkce');
      const port = o.setting('warehouse.snowflake.oauth.redirectPort');
      return { kind: 'oauth-code', clientId, ...(port ? { redirectUri: `http://127.0.0.1:${port}/` } : {}) };
    }
    case 'keypair': {
      const key = await serviceKeyFile(o.sealer, o.userDataDir, o.log).read();
      if (!key) throw notConfigured('import the service key (atrium warehouse key import --file key.p8) for keypair sign-in');
      return { kind: 'keypair', privateKey: key.privateKey, ...(key.passphrase ? { passphrase: key.passphrase } : {}) };
    }
  }
}

function notConfigured(what: string): WarehouseError {
  return new WarehouseError(`Snowflake sync is not configured on this station: ${what}`, 'auth', 'not_configured');
}
