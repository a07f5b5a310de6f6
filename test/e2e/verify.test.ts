import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoImaging } from '../../main/demo/demoImaging.js';
import { EventBridgeStandIn } from '../standins/eventbridge/eventBridgeStandIn.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';
import { tempDir } from '../support/tempDir.js';

const DEMO_STUDY = '1.3.46.670589.33.1.27492712521914879309.27169771283235650014';
const BUS = 'atrium-verifications';
const PANEL = 'form[aria-label="Verify this series"]';
// Opening the view and the viewer's first image can each take most of a minute on a loaded 2-core runner.

describe('verifying a series in a browser: panel → outbox → warehouse → ImageVerified at the EventBridge stand-in', () => {
  let browser: Browser;
  let fixture: HostFixture;
  let eventBridge: EventBridgeStandIn;

  beforeAll(async () => {
    // The default credential chain reads these; the stand-in wants a signed request.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDSTANDIN';
    process.env.AWS_SECRET_ACCESS_KEY = 'standin-secret';
    const policyFile = join(tempDir('atrium-verify-policy-'), 'policy.json');
    // The host's test store is sealed by a key file, not an OS keyring: policy allows patient data on it.
    writeFileSync(policyFile, JSON.stringify({ enforced: { 'store.allowPhiWithoutKeyring': true, 'aws.eventBridge.busName': BUS } }));
    fixture = await startTestHost({ policyFile });
    await ensureDemoImaging(fixture.services);
    eventBridge = await EventBridgeStandIn.start();
    fixture.services.settings.set('aws.eventBridge.endpoint', eventBridge.endpoint);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
    await eventBridge?.close();
  });

  async function openDemoSeries(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    await page.waitForSelector('[data-ready="worklist"]');
    // A click, not Ctrl+2: under load the key can land before the shell listens for it.
    await page.click('nav[aria-label="Main"] >> role=button[name="Imaging"]');
    // The imaging view is a lazy chunk; on a loaded machine it can take a while to arrive.
    await page.waitForSelector('[data-ready="imaging-library"]', { timeout: 60_000 });
    await page.click(`[data-testid="library-studies"] [data-study-uid="${DEMO_STUDY}"]`);
    await page.click('[data-testid="series-list"] [role="option"]');
    await page.waitForSelector(PANEL);
    // Read the image first, as a radiologist would: the viewer takes the focus when it mounts.
    await page.waitForSelector('[data-testid="ct-viewer"][data-state="ready"], [data-testid="viewer-placeholder"]', { timeout: 60_000 });
    return page;
  }

  const state = (page: Page) => page.getAttribute(`${PANEL} .verify-state`, 'data-state');
  const ids = () => eventBridge.received.map((e) => e.detail['verificationId']);

  it('saves by keyboard, syncs and publishes one event; an edit after sync is version 2, once, though its answer was lost', async () => {
    const page = await openDemoSeries();
    await expect.poll(() => state(page)).toBe('none');

    // Saving without a verdict says what is missing; choosing one clears the error.
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(`${PANEL} [role="alert"]`);
    expect(await page.textContent(`${PANEL} [role="alert"]`)).toContain('Choose a verdict');
    await page.keyboard.press('Alt+KeyN');
    expect(await page.isChecked(`${PANEL} input[value="needs_review"]`)).toBe(true);
    expect(await page.$(`${PANEL} [role="alert"]`)).toBeNull();
    await page.keyboard.press('Alt+KeyV');
    expect(await page.isChecked(`${PANEL} input[value="verified"]`)).toBe(true);

    await page.keyboard.press('Alt+KeyF');
    await page.keyboard.type('Spiculated nodule in the right upper lobe.');
    await page.check(`${PANEL} label:has-text("nodule") input[type="checkbox"]`);
    await page.selectOption(`${PANEL} select`, 'right');
    await page.keyboard.press('Alt+Digit4');
    expect(await page.textContent(`${PANEL} output`)).toBe('4');
    expect(await state(page)).toBe('unsaved');
    await page.keyboard.press('Control+Enter');

    // Saved locally at once, then synced (debounced) and published: the panel follows sync.changed.
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('published');
    expect(eventBridge.received).toHaveLength(1);
    const first = eventBridge.received[0];
    expect(first).toMatchObject({ eventBusName: BUS, source: 'atrium.desktop', detailType: 'ImageVerified' });
    expect(first?.detail).toMatchObject({ studyInstanceUid: DEMO_STUDY, verdict: 'verified', labels: ['nodule'], laterality: 'right', confidence: 4, version: 1 });
    expect(await page.inputValue(`${PANEL} textarea`)).toBe('Spiculated nodule in the right upper lobe.');
    const store = await fixture.services.store;
    expect(store.db.prepare("SELECT kind, acked_ms IS NOT NULL AS acked FROM outbox WHERE kind = 'image_verification'").all()).toEqual([{ kind: 'image_verification', acked: 1 }]);

    // Change the verdict; the first answer from EventBridge is lost after it recorded the event.
    eventBridge.failNext('drop-response');
    await page.keyboard.press('Alt+KeyX');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => state(page), { timeout: 30_000 }).toBe('published');
    expect(await page.textContent(`${PANEL} .verify-state`)).toContain('version 2');
    const second = eventBridge.received.at(-1)?.detail;
    expect(second).toMatchObject({ verdict: 'rejected', version: 2, supersedes: first?.detail['verificationId'] });
    expect(ids()).toEqual([first?.detail['verificationId'], second?.['verificationId'], second?.['verificationId']]);
    expect(eventBridge.deliveredOnce((d) => d['verificationId'])).toHaveLength(2);
    await page.close();
  }, 150_000);

  it('shows the saved verification when the series is opened again', async () => {
    const page = await openDemoSeries();
    await expect.poll(() => state(page)).toBe('published');
    expect(await page.isChecked(`${PANEL} input[value="rejected"]`)).toBe(true);
    expect(await page.inputValue(`${PANEL} textarea`)).toBe('Spiculated nodule in the right upper lobe.');
    await page.close();
  }, 150_000);
});
