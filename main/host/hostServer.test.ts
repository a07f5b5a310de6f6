import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import { MAX_MESSAGE_BYTES, startHost, type RunningHost } from './hostServer.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser host', () => {
  let t: TestServices;
  let host: RunningHost;
  let cookie: string;

  beforeAll(async () => {
    t = createTestServices();
    const rendererDir = join(t.dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Atrium</title>');
    writeFileSync(join(rendererDir, 'assets', 'codec.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
    const registry = createHandlerRegistry(t.services);
    t.services.binaryRoutes.register('echo', async ({ rest, query }) => ({
      body: Buffer.from(`${rest}|${query.get('n') ?? ''}`),
      contentType: 'application/octet-stream',
    }));
    host = await startHost({ services: t.services, registry, rendererDir });
    const exchanged = await get(host.port, new URL(host.launchUrl).pathname + new URL(host.launchUrl).search);
    expect(exchanged.status).toBe(303);
    cookie = String(exchanged.headers['set-cookie']).split(';')[0] as string;
  });
  afterAll(async () => {
    await host.close();
    await t.cleanup();
  });

  function connect(headers: Record<string, string> = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { cookie, origin: host.origin, ...headers } });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  function roundTrip(ws: WebSocket, message: string | Buffer): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
      ws.send(message);
    });
  }

  it('exchanges the launch token for an HttpOnly SameSite=Strict cookie', async () => {
    const res = await get(host.port, `/?token=${new URL(host.launchUrl).searchParams.get('token')}`);
    expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect(res.headers.location).toBe('/');
  });

  it('refuses requests without the cookie, with a wrong token, or a foreign Host or Origin', async () => {
    expect((await get(host.port, '/')).status).toBe(401);
    expect((await get(host.port, '/?token=wrong')).status).toBe(401);
    expect((await get(host.port, '/', { cookie: 'atrium_session=guess' })).status).toBe(401);
    expect((await get(host.port, '/', { cookie, host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await get(host.port, '/', { cookie, origin: 'http://evil.example' })).status).toBe(403);
  });

  it('serves the bundle with the CSP, and WebAssembly as application/wasm', async () => {
    const page = await get(host.port, '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("'wasm-unsafe-eval'");
    expect(page.headers['content-security-policy']).toContain("worker-src 'self'");
    const wasm = await get(host.port, '/assets/codec.wasm', { cookie });
    expect(wasm.headers['content-type']).toBe('application/wasm');
    const escaped = await get(host.port, '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd', { cookie });
    expect(escaped.status).toBe(404);
    expect(escaped.body).not.toContain('root:');
  });

  it('serves the binary route behind the same authorisation', async () => {
    expect((await get(host.port, '/binary/echo/a/b?n=3')).status).toBe(401);
    const ok = await get(host.port, '/binary/echo/a/b?n=3', { cookie });
    expect(ok.body).toBe('a/b|3');
    expect((await get(host.port, '/binary/nope/x', { cookie })).status).toBe(404);
  });

  it('refuses sockets without the cookie, or from a foreign Origin or Host', async () => {
    await expect(connect({ cookie: '' })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: '' })).rejects.toThrow('HTTP 403');
    await expect(connect({ host: 'localhost.evil:1' })).rejects.toThrow('HTTP 421');
  });

  it('round-trips a contract call', async () => {
    const ws = await connect();
    const reply = await roundTrip(ws, JSON.stringify({ id: 7, method: 'app.info' }));
    expect(reply).toMatchObject({ id: 7, ok: true, result: { name: 'Atrium', mode: 'host', sealer: 'file-key' } });
    ws.close();
  });

  it('answers bad messages with clear errors and stays up for the next call', async () => {
    const ws = await connect();
    expect(await roundTrip(ws, '{not json')).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(await roundTrip(ws, JSON.stringify({ id: 1, method: 'no.such' }))).toMatchObject({ id: 1, ok: false, error: { code: 'unknown_method' } });
    expect(await roundTrip(ws, JSON.stringify({ id: 2 }))).toMatchObject({ id: 2, ok: false, error: { code: 'malformed' } });
    const big = JSON.stringify({ id: 3, method: 'app.info', input: 'x'.repeat(MAX_MESSAGE_BYTES) });
    expect(await roundTrip(ws, big)).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const invalid = await roundTrip(ws, JSON.stringify({ id: 4, method: 'settings.set', input: { key: 'aws.region', value: 'mars' } }));
    expect(invalid).toMatchObject({ id: 4, ok: false, error: { code: 'invalid_input' } });
    expect(t.services.settings.get('aws.region')).toBe('us-east-1');
    const next = await roundTrip(ws, JSON.stringify({ id: 5, method: 'session.status' }));
    expect(next).toMatchObject({ id: 5, ok: true, result: { signedIn: false } });
    ws.close();
  });

  it('pushes events to connected sockets', async () => {
    const ws = await connect();
    const event = new Promise<Record<string, unknown>>((resolve) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>;
        if (message.event === 'settings.changed') resolve(message);
      });
    });
    ws.send(JSON.stringify({ id: 9, method: 'settings.set', input: { key: 'ui.theme', value: 'dark' } }));
    expect(await event).toMatchObject({ event: 'settings.changed', payload: { values: { 'ui.theme': 'dark' } } });
    ws.close();
  });
});
