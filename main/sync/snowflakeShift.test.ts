// The driver's own cache-key builder, so the token is planted exactly where the driver looks for it.
import { buildCacheKey, CacheTokenType } from 'snowflake-sdk/dist/lib/authentication/cache_key_builder.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeStandIn } from '../../test/standins/snowflake/server.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { SealedCredentialManager } from '../warehouse/snowflake/sealedCredentialManager.js';
import { snowflakePaths } from '../warehouse/snowflake/snowflakePaths.js';

/**
 * Sign in once per shift: the SSO ID token from the shift's first browser sign-in is kept sealed, and the
 * driver logs in with it (authenticator ID_TOKEN) instead of opening a browser again — also after the
 * app restarts. The browser sign-in itself needs a real identity provider and is not exercised here.
 */
describe('Snowflake external-browser SSO, once per shift', () => {
  const authenticators: string[] = [];
  let standIn: SnowflakeStandIn;
  let first: TestServices;

  beforeAll(async () => {
    standIn = await new SnowflakeStandIn({
      rejectLogin: (_user, authenticator) => {
        authenticators.push(authenticator);
        return null;
      },
    }).start();
    first = createTestServices();
  });

  afterAll(async () => {
    await first.cleanup();
    await standIn.stop();
  });

  it('logs in with the sealed ID token, without a browser, before and after a restart', async () => {
    const settings: [Parameters<TestServices['services']['settings']['set']>[0], string][] = [
      ['warehouse.kind', 'snowflake'],
      ['warehouse.snowflake.account', 'standin'],
      ['warehouse.snowflake.accessUrl', standIn.url],
      ['warehouse.snowflake.user', 'ALICE'],
      ['warehouse.snowflake.authenticator', 'externalbrowser'],
    ];
    for (const [key, value] of settings) first.services.settings.set(key, value);
    // What the shift's first browser sign-in left behind.
    const key = buildCacheKey({ tokenType: CacheTokenType.ID_TOKEN, snowflakeHost: new URL(standIn.url).hostname, username: 'ALICE' });
    await new SealedCredentialManager(first.services.sealer, snowflakePaths(first.dir).tokens).write(key!, 'sso-id-token');

    const synced = await (await first.services.sync).syncNow();
    expect(synced).toMatchObject({ ok: true, error: null });
    expect(authenticators).toEqual(['ID_TOKEN']);
    await first.services.dispose();

    const restarted = createTestServices({ dir: first.dir });
    try {
      const again = await (await restarted.services.sync).syncNow();
      expect(again).toMatchObject({ ok: true, error: null });
      expect(authenticators).toEqual(['ID_TOKEN', 'ID_TOKEN']);
    } finally {
      await restarted.services.dispose();
    }
  });
});
