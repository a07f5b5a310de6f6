import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListAccountsCommand, SSOClient, GetRoleCredentialsCommand } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityCenterStandIn } from '../../test/standins/sso/identityCenterStandIn.js';
import { AwsClientFactory } from './awsClientFactory.js';
import { FetchRequestHandler } from './fetchRequestHandler.js';
import { isNetworkFailure } from './sso/ssoErrors.js';

/**
 * The handler Electron uses with `net.fetch`, exercised here with Node's fetch (the same Fetch
 * contract) and real SDK clients: REST with query and headers, awsJson with a SigV4-signed body,
 * modelled errors, timeouts and a refused connection.
 */
describe('FetchRequestHandler', () => {
  let standIn: IdentityCenterStandIn;
  const factory = new AwsClientFactory({
    region: () => 'eu-west-1',
    credentials: () => async () => ({ accessKeyId: 'AKIAFETCHTEST', secretAccessKey: 'fetch-secret' }),
    requestHandler: () => new FetchRequestHandler(fetch, { requestTimeoutMs: 2_000 }),
  });

  beforeAll(async () => {
    standIn = await new IdentityCenterStandIn().start();
  });
  afterAll(() => standIn.stop());

  it('carries REST calls (query string, custom header) and modelled errors', async () => {
    const sso = factory.create(SSOClient, { endpoint: standIn.url, maxAttempts: 1 });
    await expect(sso.send(new ListAccountsCommand({ accessToken: 'nope' }))).rejects.toMatchObject({ name: 'UnauthorizedException', $metadata: { httpStatusCode: 401 } });
    await expect(sso.send(new GetRoleCredentialsCommand({ accessToken: 'nope', accountId: '111122223333', roleName: 'Coder' }))).rejects.toMatchObject({ name: 'UnauthorizedException' });
    const last = standIn.requests.at(-1);
    expect(last?.path).toBe('/federation/credentials');
    expect(last?.headers['x-amz-sso_bearer_token']).toBe('nope');
  });

  it('carries signed JSON bodies; the signature covers the host the fetch layer sends', async () => {
    const events = factory.create(EventBridgeClient, { endpoint: standIn.url, maxAttempts: 1 });
    const out = await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'ping', Detail: '{"ü":1}' }] }));
    expect(out.FailedEntryCount).toBe(0);
    expect(standIn.putEvents.at(-1)?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFETCHTEST\/.*SignedHeaders=.*host/);
  });

  it('times out, and reports a refused connection as a network failure', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const port = (silent.address() as AddressInfo).port;
    const impatient = new AwsClientFactory({
      region: () => 'eu-west-1',
      requestHandler: () => new FetchRequestHandler(fetch, { requestTimeoutMs: 150 }),
    });
    const slow = impatient.create(SSOClient, { endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    await expect(slow.send(new ListAccountsCommand({ accessToken: 'x' }))).rejects.toMatchObject({ name: 'TimeoutError' });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));

    const refused = factory.create(SSOClient, { endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 });
    const error = await refused.send(new ListAccountsCommand({ accessToken: 'x' })).catch((e: unknown) => e);
    expect(isNetworkFailure(error)).toBe(true);
  });
});
