import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serviceKeyFile } from '../../warehouse/snowflake/snowflakeStation.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices } from '../cliServices.js';

/**
 * `atrium warehouse key import --file key.p8 [--passphrase-env VAR]`: seals the Snowflake key-pair
 * (JWT) private key with this installation's sealer, for `warehouse.snowflake.authenticator = keypair`.
 * The passphrase comes from an environment variable so it never sits in shell history.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { file: { type: 'string' }, 'passphrase-env': { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.join(' ') !== 'import' || !values.file) throw new UsageError('usage: atrium warehouse key import --file key.p8 [--passphrase-env VAR]');
  const privateKey = readFileSync(values.file, 'utf8');
  if (!privateKey.includes('PRIVATE KEY')) throw new UsageError(`${values.file} is not a PEM private key`);
  const passphrase = values['passphrase-env'] ? process.env[values['passphrase-env']] : undefined;
  const services = cliServices();
  try {
    const file = serviceKeyFile(services.sealer, services.env.userDataDir, services.log);
    await file.write({ privateKey, ...(passphrase ? { passphrase } : {}) });
    io.stdout.write(`Sealed the Snowflake service key in ${file.file}; delete ${values.file} once it is kept safe elsewhere.\n`);
    return 0;
  } finally {
    await services.dispose();
  }
}
