import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoPack } from '../../main/demo/demoPack.js';
import { buildDemoEncounters } from '../../main/demo/demoSeed.js';
import { artifactDir } from '../support/artifacts.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';
import { tempDir } from '../support/tempDir.js';

/**
 * Offline: the embedded warehouse cannot be opened (a plain file sits where its folder must be), so
 * every sync fails. The coder still claims, codes and submits; the chart shows as pending sync.
 */
describe('the coder workflow with the warehouse unreachable', () => {
  let browser: Browser;
  let fixture: HostFixture;

  beforeAll(async () => {
    const dir = tempDir('atrium-offline-');
    writeFileSync(join(dir, 'warehouse'), 'not a folder: the warehouse cannot open');
    fixture = await startTestHost({ dir });
    const worklist = await fixture.services.worklist;
    worklist.ingest(buildDemoEncounters(readDemoPack(fixture.services.env.resourcesDir), { seed: 3, encounters: 40, todayMs: Date.now() }), { synthetic: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
  });

  it('claims, codes, submits; the submit waits in the outbox and the chart says pending', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    await page.focus('[role="grid"]');
    await page.keyboard.press('n');
    const id = (await page.waitForSelector('#encounter-title')).textContent();
    await page.keyboard.press('e');
    await page.keyboard.type('sepsis unspecified organism');
    await page.waitForSelector('#code-search-results [role="option"]:has-text("A41.9")');
    await page.click('#code-search-results [role="option"]:has-text("A41.9")');
    await expect.poll(() => page.textContent('[data-testid="drg"]')).toMatch(/SEPTICEMIA OR SEVERE SEPSIS/);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-ready="worklist"]');

    const engine = await fixture.services.sync;
    await engine.syncNow().catch(() => undefined);
    await expect.poll(() => engine.status().state).not.toBe('idle');
    expect(engine.status().lastError).toBeTruthy();
    const submitted = await id;
    await expect.poll(() => page.locator(`.recent-submits li:has-text("${submitted}")`).getAttribute('data-sync')).toMatch(/pending|retrying/);
    const store = await fixture.services.store;
    expect(store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE kind = 'submit_codes' AND acked_ms IS NULL").get()?.n).toBe(1);
    await page.screenshot({ path: `${artifactDir('coding')}/worklist-offline.png` });
    await page.close();
  });
});
