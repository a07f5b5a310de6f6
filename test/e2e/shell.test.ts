import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';
import { tempDir } from '../support/tempDir.js';

describe('the station in a browser, through the host', () => {
  let browser: Browser;
  let fixture: HostFixture;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const policyFile = join(tempDir('atrium-e2e-'), 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ enforced: { 'aws.region': 'eu-central-1' } }));
    fixture = await startTestHost({ policyFile });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
  });

  it('loads with the token swapped for a cookie the page cannot read', async () => {
    expect(page.url()).toBe(`${fixture.host.origin}/`);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await expect(page.textContent('[data-testid="principal"]')).resolves.toMatch(/\S/);
  });

  it('navigates by click and by keyboard', async () => {
    await page.click('nav >> text=Settings');
    await page.waitForSelector('#settings-title');
    await page.keyboard.press('Control+3');
    await page.waitForSelector('#sync-title');
    // The host cannot update itself; it says who does.
    await page.waitForSelector('[data-testid="update-state"] >> text=Managed by the installer');
    await page.keyboard.press('Control+1');
    await page.waitForSelector('#worklist-title');
  });

  it('runs commands from the palette with the keyboard', async () => {
    await page.keyboard.press('Control+k');
    await page.waitForSelector('[role="dialog"][aria-label="Command palette"]');
    await page.keyboard.type('go sett');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#settings-title');
    expect(await page.$('[role="dialog"]')).toBeNull();
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Escape');
    expect(await page.$('[role="dialog"]')).toBeNull();
  });

  it('round-trips a contract call, and an event from another window arrives', async () => {
    const other = await browser.newPage();
    await other.goto(fixture.host.launchUrl);
    await other.waitForSelector('[data-ready="worklist"]');
    await page.keyboard.press('Control+4');
    await page.selectOption('#setting-ui\\.theme', 'dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    // The other window learns of the change through the settings.changed event.
    await other.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    expect(fixture.services.settings.get('ui.theme')).toBe('dark');
    await page.selectOption('#setting-ui\\.theme', 'system');
    await other.close();
  });

  it('shows policy-locked settings as locked, and reports a rejected value', async () => {
    await page.keyboard.press('Control+4');
    expect(await page.isDisabled('#setting-aws\\.region')).toBe(true);
    expect(await page.textContent('[data-setting="aws.region"]')).toContain('Set by your organisation');
    await page.fill('#setting-session\\.idleLockMinutes', '9999');
    await page.press('#setting-session\\.idleLockMinutes', 'Enter');
    await page.waitForSelector('[data-setting="session.idleLockMinutes"] [role="alert"]');
    expect(fixture.services.settings.get('session.idleLockMinutes')).toBe(15);
  });

  it('keeps the imaging view out of start-up (preloaded once idle, 3 s on), and its worker compiles WebAssembly under the CSP', async () => {
    const loadedAt = await page.evaluate(() => performance.getEntriesByType('resource').find((e) => e.name.includes('ImagingView'))?.startTime ?? null);
    expect(loadedAt === null || loadedAt >= 3000).toBe(true);
    await page.keyboard.press('Control+2');
    const status = await page.waitForSelector('[data-testid="codec-status"]:not([data-state="loading"])');
    expect(await status.getAttribute('data-state')).toBe('ready');
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });
});
