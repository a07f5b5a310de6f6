import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsClientFactory } from './awsClientFactory.js';

describe('AwsClientFactory', () => {
  let seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  let endpoint = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives every client the configured region, credentials and endpoint', async () => {
    seen = [];
    let region = 'eu-west-1';
    const factory = new AwsClientFactory({
      region: () => region,
      credentials: () => async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    });
    const client = factory.create(EventBridgeClient, { endpoint, maxAttempts: 1 });
    const out = await client.send(new PutEventsCommand({ Entries: [{ Source: 'atrium.test', DetailType: 'Ping', Detail: '{}' }] }));
    expect(out.Entries?.[0]?.EventId).toBe('e-1');
    expect(seen[0]?.headers.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/events\/aws4_request/);
    expect(seen[0]?.headers['x-amz-target']).toBe('AWSEvents.PutEvents');

    region = 'us-west-2';
    await factory.create(EventBridgeClient, { endpoint, maxAttempts: 1 }).send(new PutEventsCommand({ Entries: [{ Source: 'a', DetailType: 'b', Detail: '{}' }] }));
    expect(seen[1]?.headers.authorization).toContain('/us-west-2/events/');
  });
});
