import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the station keeps what Snowflake needs, under the user data folder (no driver loaded here). */
export function snowflakePaths(userDataDir: string): { tokens: string; key: string; log: string } {
  return {
    tokens: join(userDataDir, 'warehouse', 'snowflake-tokens'),
    key: join(userDataDir, 'warehouse', 'snowflake-key.sealed'),
    log: join(userDataDir, 'logs', 'snowflake.log'),
  };
}

/**
 * Sign-out: the cached Snowflake SSO and OAuth tokens go, so the next person signs in afresh. The
 * outbox is in the store and untouched: unsent work waits for the next sign-in.
 */
export async function forgetSnowflakeSignIn(userDataDir: string): Promise<void> {
  await rm(snowflakePaths(userDataDir).tokens, { recursive: true, force: true });
}
