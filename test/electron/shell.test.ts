import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../../main/app/paths.js';
import { buildElectron, buildRenderer } from '../../scripts/build.mjs';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';

const electron = findElectronBinary();
if ('missing' in electron) {
  process.stderr.write(`[electron tests] skipped: ${electron.missing}\n`);
}

describe.skipIf('missing' in electron)('the Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    await buildRenderer();
    await buildElectron();
    app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [SOURCE_ROOT, '--no-sandbox'],
      env: { ...process.env, ATRIUM_POLICY_FILE: join(SOURCE_ROOT, '.cache', 'no-policy.json') },
    });
    page = await app.firstWindow();
    await page.waitForSelector('[data-ready="worklist"]');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads the renderer from the app scheme, isolated from the preload', async () => {
    expect(page.url()).toMatch(/^atrium:\/\/app\//);
    // With contextIsolation the page's prototypes are not the preload's: tampering changes nothing.
    const reply = await page.evaluate(async () => {
      Object.defineProperty(Promise.prototype, 'then', { value: () => 'hijacked' });
      return typeof (window as unknown as { atrium: { invoke(m: string): unknown } }).atrium.invoke('app.info');
    });
    expect(reply).toBe('object');
    await page.reload();
    await page.waitForSelector('[data-ready="worklist"]');
  });

  it('exposes only the contract bridge to the page', async () => {
    const globals = await page.evaluate(() => ({
      atrium: Object.keys((window as unknown as { atrium: object }).atrium).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ atrium: ['invoke', 'on'], require: 'undefined', process: 'undefined' });
    const reply = await page.evaluate(() => (window as unknown as { atrium: { invoke(m: string): Promise<unknown> } }).atrium.invoke('app.info'));
    expect(reply).toMatchObject({ ok: true, result: { mode: 'electron' } });
  });

  it('denies new windows and foreign navigation', async () => {
    expect(await page.evaluate(() => window.open('https://example.com') === null)).toBe(true);
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^atrium:\/\/app\//);
    expect(app.windows()).toHaveLength(1);
  });

  it('serves WebAssembly as application/wasm under the CSP', async () => {
    await page.keyboard.press('Control+2');
    const status = await page.waitForSelector('[data-testid="codec-status"]:not([data-state="loading"])');
    expect(await status.getAttribute('data-state')).toBe('ready');
  });
});
