/**
 * Path traversal against the files the app serves: the resolver shared by the custom scheme
 * (atrium://app) and the host, the host's static route, and its binary route. A secret file sits
 * beside the bundle; no spelling of a path may reach it.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { readStaticFile, resolveInside } from '../app/staticFiles.js';
import { createHandlerRegistry } from '../handlers.js';
import { startHost, type RunningHost } from '../host/hostServer.js';

const SECRET = 'SECRET-OUTSIDE-THE-BUNDLE';

const ATTACKS = [
  '/../secret.txt',
  '/assets/../../secret.txt',
  '/%2e%2e/secret.txt',
  '/%2E%2E%2Fsecret.txt',
  '/..%2fsecret.txt',
  '/..%5csecret.txt',
  '/..\\secret.txt',
  '/assets\\..\\..\\secret.txt',
  '/%252e%252e/secret.txt',
  '/%c0%ae%c0%ae/secret.txt',
  '/..%00/secret.txt',
  '/%00',
  '//etc/passwd',
  '/etc/passwd',
  '/C:/Windows/win.ini',
  '/c:%5cwindows%5cwin.ini',
  '/\\\\server\\share\\secret.txt',
  '/link-out/secret.txt',
  '/escape.txt',
];

describe('path traversal', () => {
  let dir: string;
  let root: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-traversal-'));
    root = join(dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Atrium</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    // Links inside the bundle that point out of it.
    symlinkSync(dir, join(root, 'link-out'));
    symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the bundle reader (custom scheme and host) serves bundle files and nothing outside the bundle', async () => {
    expect((await readStaticFile(root, '/assets/app.js'))?.body.toString()).toBe('export {}');
    expect((await readStaticFile(root, '/'))?.body.toString()).toContain('<title>Atrium');
    for (const attack of ATTACKS) {
      const file = await readStaticFile(root, attack);
      expect(file?.body.toString() ?? '', attack).not.toContain(SECRET);
      // The same paths as the scheme's URL parser hands them over.
      const viaUrl = await readStaticFile(root, new URL(`atrium://app${attack}`).pathname);
      expect(viaUrl?.body.toString() ?? '', attack).not.toContain(SECRET);
    }
  });

  it('the shared resolver refuses ., encoded and backslash escapes outright', () => {
    for (const attack of ATTACKS.filter((a) => /\.\.|%2e|\\|%5c|%00/i.test(a))) {
      const resolved = resolveInside(root, attack);
      expect(resolved === null || resolved.startsWith(`${root}/`), attack).toBe(true);
      if (resolved) expect(resolved).not.toContain('secret.txt');
    }
  });

  it('does not follow links out of the bundle', async () => {
    expect(await readStaticFile(root, '/escape.txt')).toBeNull();
    expect(await readStaticFile(root, '/link-out/secret.txt')).toBeNull();
  });

  describe('the host', () => {
    let t: TestServices;
    let host: RunningHost;
    let cookie: string;

    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: host.port, path, headers: { host: `127.0.0.1:${host.port}`, cookie } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });

    beforeAll(async () => {
      t = createTestServices();
      t.services.binaryRoutes.register('echo', async ({ rest }) => ({ body: Buffer.from(`rest=${rest}`), contentType: 'text/plain' }));
      host = await startHost({ services: t.services, registry: createHandlerRegistry(t.services), rendererDir: root });
      const launch = new URL(host.launchUrl);
      cookie = '';
      const exchanged = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: host.port, path: launch.pathname + launch.search, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
          res.resume();
          resolve(String(res.headers['set-cookie']).split(';')[0] ?? '');
        });
        req.on('error', reject);
        req.end();
      });
      cookie = exchanged;
    });
    afterAll(async () => {
      await host.close();
      await t.cleanup();
    });

    it('static route: no raw request path reaches outside the bundle', async () => {
      expect((await raw('/assets/app.js')).status).toBe(200);
      for (const attack of ATTACKS) {
        const response = await raw(attack);
        expect(response.body, attack).not.toContain(SECRET);
      }
    });

    it('binary route: traversal in the route name finds no route; the rest reaches handlers still encoded', async () => {
      for (const path of ['/binary/..%2f..%2fsecret.txt', '/binary/%2e%2e/secret.txt', '/binary/..\\secret.txt', '/binary/ECHO/x', '/binary//etc/passwd']) {
        const response = await raw(path);
        expect(response.status, path).toBe(404);
        expect(response.body).not.toContain(SECRET);
      }
      const echoed = await raw('/binary/echo/..%2f..%2fsecret.txt');
      expect(echoed.body).toBe('rest=..%2f..%2fsecret.txt');
    });
  });
});
