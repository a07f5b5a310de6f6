/**
 * `npm run -w cloud warehouse:migrate`: applies `migrations/NNN_*.sql` in order to the hospital's Snowflake
 * account as an owner role, statement by statement through snowflake-sdk (every statement is idempotent,
 * so running it again is a no-op). Key-pair sign-in of a service user:
 *   SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY_FILE (PKCS#8 PEM), optional
 *   SNOWFLAKE_PRIVATE_KEY_PASSPHRASE, SNOWFLAKE_ROLE, SNOWFLAKE_WAREHOUSE, and SNOWFLAKE_ACCESS_URL (the
 *   stand-in in tests: http://127.0.0.1:PORT).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import snowflake from 'snowflake-sdk';
import { splitStatements } from './sqlScript.js';

const MIGRATIONS = join(import.meta.dirname, 'migrations');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see cloud/warehouse/migrate.ts)`);
  return value;
}

function execute(connection: snowflake.Connection, sqlText: string): Promise<void> {
  return new Promise((resolve, reject) => connection.execute({ sqlText, complete: (error) => (error ? reject(error) : resolve()) }));
}

async function main(): Promise<void> {
  snowflake.configure({ logLevel: 'ERROR', additionalLogToConsole: false });
  const passphrase = process.env['SNOWFLAKE_PRIVATE_KEY_PASSPHRASE'];
  const connection = snowflake.createConnection({
    account: required('SNOWFLAKE_ACCOUNT'),
    username: required('SNOWFLAKE_USER'),
    authenticator: 'SNOWFLAKE_JWT',
    privateKey: readFileSync(required('SNOWFLAKE_PRIVATE_KEY_FILE'), 'utf8'),
    ...(passphrase ? { privateKeyPass: passphrase } : {}),
    ...(process.env['SNOWFLAKE_ROLE'] ? { role: process.env['SNOWFLAKE_ROLE'] } : {}),
    ...(process.env['SNOWFLAKE_WAREHOUSE'] ? { warehouse: process.env['SNOWFLAKE_WAREHOUSE'] } : {}),
    ...(process.env['SNOWFLAKE_ACCESS_URL'] ? { accessUrl: process.env['SNOWFLAKE_ACCESS_URL'] } : {}),
    application: 'Atrium-migrate',
  });
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  try {
    for (const file of readdirSync(MIGRATIONS).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort()) {
      const statements = splitStatements(readFileSync(join(MIGRATIONS, file), 'utf8'));
      for (const statement of statements) await execute(connection, statement);
      process.stdout.write(`${file}: ${statements.length} statements\n`);
    }
  } finally {
    await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`warehouse:migrate failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
