import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SnowflakeStandIn } from '../../test/standins/snowflake/server.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import { startHost, type RunningHost } from '../host/hostServer.js';
import { SealedCredentialManager } from '../warehouse/snowflake/sealedCredentialManager.js';
import { SnowflakeAdmin } from '../warehouse/snowflake/snowflakeAdmin.js';
import { snowflakePaths } from '../warehouse/snowflake/snowflakePaths.js';
import { serviceKeyFile } from '../warehouse/snowflake/snowflakeStation.js';

/** The app as a browser sees it: settings choose Snowflake (the stand-in), and sync goes there. */
describe('warehouse.kind = snowflake through the host', () => {
  let standIn: SnowflakeStandIn;
  let admin: SnowflakeAdmin;
  let t: TestServices;
  let host: RunningHost;
  let ws: WebSocket;
  let nextId = 1;

  beforeAll(async () => {
    standIn = await new SnowflakeStandIn().start();
    admin = new SnowflakeAdmin((sql, params) => standIn.adminExec(sql, params));
    t = createTestServices();
    const rendererDir = join(t.dir, 'renderer');
    mkdirSync(rendererDir, { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Atrium</title>');
    host = await startHost({ services: t.services, registry: createHandlerRegistry(t.services), rendererDir });
    const launch = new URL(host.launchUrl);
    const cookie = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: launch.pathname + launch.search, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
        res.resume();
        resolve(String(res.headers['set-cookie']).split(';')[0] as string);
      });
      req.on('error', reject);
      req.end();
    });
    ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { cookie, origin: host.origin } });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  });

  afterAll(async () => {
    ws.close();
    await host.close();
    await t.cleanup();
    await standIn.stop();
  });

  /** One contract call; events arriving meanwhile are skipped. */
  function call(method: string, input?: unknown): Promise<{ ok: boolean; result?: Record<string, unknown>; error?: unknown }> {
    const id = nextId++;
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(String(data)) as { id?: number; ok: boolean; result?: Record<string, unknown> };
        if (reply.id !== id) return;
        ws.off('message', onMessage);
        resolve(reply);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify(input === undefined ? { id, method } : { id, method, input }));
    });
  }

  it('says which setting is missing, then syncs both ways once Snowflake is configured', async () => {
    const me = t.services.principal.current().id;
    await admin.upsertEncounters([{ encounterId: 'SF-1', mrn: 'MRN-SF-1', assignedTo: me, serviceLine: 'Medicine' }]);
    expect(await call('settings.set', { key: 'warehouse.kind', value: 'snowflake' })).toMatchObject({ ok: true });
    expect(await call('settings.set', { key: 'warehouse.snowflake.account', value: 'standin' })).toMatchObject({ ok: true });
    expect(await call('settings.set', { key: 'warehouse.snowflake.accessUrl', value: standIn.url })).toMatchObject({ ok: true });
    expect(await call('settings.set', { key: 'warehouse.snowflake.authenticator', value: 'keypair' })).toMatchObject({ ok: true });

    const unconfigured = await call('sync.now');
    expect(unconfigured.result?.['lastError']).toMatch(/warehouse\.snowflake\.user/);

    expect(await call('settings.set', { key: 'warehouse.snowflake.user', value: 'ALICE' })).toMatchObject({ ok: true });
    expect((await call('sync.now')).result?.['lastError']).toMatch(/service key/);

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await serviceKeyFile(t.services.sealer, t.dir, t.log).write({ privateKey });
    const synced = await call('sync.now');
    expect(synced).toMatchObject({ ok: true, result: { state: 'idle', lastError: null, pending: 0 } });
    const store = await t.services.store;
    expect(store.db.prepare('SELECT id, assigned FROM encounters').all()).toEqual([{ id: 'SF-1', assigned: 1 }]);
    expect(standIn.stats.logins).toBeGreaterThan(0);

    store.write(() =>
      store.db
        .prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
        .run('sf-host-1', 'submit_codes', 'SF-1', me, '{"codes":["J18.9"]}', store.now()),
    );
    expect(await call('sync.now')).toMatchObject({ ok: true, result: { pending: 0, deadLetters: 0, lastError: null } });
    expect((await admin.ledger()).filter((r) => r.clientMutationId === 'sf-host-1')).toEqual([expect.objectContaining({ outcome: 'accepted', coder: me })]);
  });

  it('wipes the cached Snowflake sign-in on sign-out and keeps unsent work', async () => {
    const tokens = snowflakePaths(t.dir).tokens;
    await new SealedCredentialManager(t.services.sealer, tokens).write('{STANDIN}:{ALICE}:{IdToken}', 'sso-id-token');
    expect(readdirSync(tokens)).toHaveLength(1);
    const store = await t.services.store;
    store.write(() =>
      store.db
        .prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
        .run('sf-host-2', 'submit_codes', 'SF-1', t.services.principal.current().id, '{"codes":["J18.9"]}', store.now()),
    );
    const forgotten = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (t.log.lines.some((l) => l.event === 'sync.warehouse_forgotten' && l.fields['why'] === 'sign-out')) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    t.services.principal.signOut();
    await forgotten;
    expect(existsSync(tokens)).toBe(false);
    expect(store.db.prepare(`SELECT client_mutation_id FROM outbox WHERE client_mutation_id = 'sf-host-2'`).all()).toHaveLength(1);
  });
});
