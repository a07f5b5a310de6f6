import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCtFolder, ensureDemoImaging } from '../../main/demo/demoImaging.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';
import { HealthImagingStandIn } from '../standins/healthimaging/healthImagingStandIn.js';
import { tempDir } from '../support/tempDir.js';

const DEMO_STUDY = '1.3.46.670589.33.1.27492712521914879309.27169771283235650014';

describe('the study browser in a browser, against the HealthImaging stand-in', () => {
  let browser: Browser;
  let fixture: HostFixture;
  let standIn: HealthImagingStandIn;
  const artifacts = tempDir('atrium-e2e-imaging-');

  beforeAll(async () => {
    // The default credential chain reads these; the stand-in checks the access key id.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDSTANDIN';
    process.env.AWS_SECRET_ACCESS_KEY = 'standin-secret';
    fixture = await startTestHost();
    await ensureDemoImaging(fixture.services);
    standIn = await HealthImagingStandIn.start({
      dicomDirs: [demoCtFolder(fixture.services.env.resourcesDir)],
      tags: { [DEMO_STUDY]: { patientId: 'PAT-42', accessionNumber: 'ACC-42', studyDate: '20240105' } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fixture?.cleanup();
    await standIn?.close();
  });

  function useStandIn(endpoint: string | null): void {
    fixture.services.settings.set('aws.healthImaging.endpoint', endpoint);
    fixture.services.settings.set('aws.healthImaging.datastoreId', endpoint ? standIn.datastoreId : null);
  }

  async function openImaging(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(fixture.host.launchUrl);
    // Readiness only; on a 2-core machine shared with other suites the first paint can take a while.
    await page.waitForSelector('[data-ready="worklist"]', { timeout: 60_000 });
    await page.click('nav >> text=Imaging');
    await page.waitForSelector('[data-ready="imaging-library"]');
    return page;
  }

  async function searchPatient(page: Page, patientId: string): Promise<void> {
    await page.click('role=tab[name="HealthImaging"]');
    await page.fill('input[name="patientId"]', patientId);
    await page.press('input[name="patientId"]', 'Enter');
  }

  it('lists the demo study in the local library and its series with a drawn thumbnail', async () => {
    const page = await openImaging();
    const study = page.locator(`[data-testid="library-studies"] [data-study-uid="${DEMO_STUDY}"]`);
    await study.waitFor();
    // Keyboard: focus the list, Enter chooses the (only) study.
    await page.focus('[data-testid="library-studies"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="series-list"] [role="option"]');
    expect(await page.textContent('[data-testid="study-patient"]')).toContain('PLASTIC');
    const thumbnail = page.locator('[data-testid="series-list"] canvas.thumbnail');
    await expect.poll(() => thumbnail.getAttribute('data-state'), { timeout: 20_000 }).not.toBe('loading');
    // A failed thumbnail says why in its title.
    expect(`${await thumbnail.getAttribute('data-state')} ${(await thumbnail.getAttribute('title')) ?? ''}`.trim()).toBe('ready');
    // Windowed CT: the middle slice has both dark (air) and bright pixels, not one flat colour.
    const greys = await thumbnail.evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      const values = new Set<number>();
      for (let i = 0; i < data.length; i += 4) values.add(data[i] as number);
      return values.size;
    });
    expect(greys).toBeGreaterThan(16);
    await page.close();
  });

  it('says HealthImaging is not configured, then finds a study by patient id', async () => {
    useStandIn(null);
    const page = await openImaging();
    await searchPatient(page, 'PAT-42');
    expect(await page.textContent('[data-testid="search-error"]')).toContain('HealthImaging is not configured');

    useStandIn(standIn.endpoint);
    await page.press('input[name="patientId"]', 'Enter');
    await page.waitForSelector('[data-testid="search-results"] [role="option"]');
    expect(await page.locator('[data-testid="search-results"] [role="option"]').count()).toBe(1);
    expect(await page.textContent('[data-testid="search-results"]')).toContain('ACC-42');
    expect(await page.$('[data-testid="search-error"]')).toBeNull();

    await page.fill('input[name="patientId"]', 'NOBODY');
    await page.press('input[name="patientId"]', 'Enter');
    await expect.poll(() => page.textContent('[data-testid="search-summary"]')).toBe('No studies match.');

    // A study date range: the study's date is inside it; a range that ends before it starts is refused.
    await page.fill('input[name="patientId"]', '');
    await page.fill('input[name="studyDateFrom"]', '2024-01-01');
    await page.fill('input[name="studyDateTo"]', '2024-01-31');
    await page.press('input[name="studyDateTo"]', 'Enter');
    await expect.poll(() => page.textContent('[data-testid="search-results"]')).toContain('ACC-42');
    await page.fill('input[name="studyDateFrom"]', '2024-02-01');
    await page.press('input[name="studyDateTo"]', 'Enter');
    expect(await page.textContent('[data-testid="search-error"]')).toContain('ends before it starts');
    await page.close();
  });

  // The viewer renders with software WebGL: slow on a busy 2-core machine, hence the longer limit.
  it('opens a series in the viewer, and closes it in main when another series replaces it', async () => {
    useStandIn(standIn.endpoint);
    const page = await openImaging();
    // Keyboard only: the results, then the study's series, take the focus in turn; Enter goes on.
    await searchPatient(page, 'PAT-42');
    await page.waitForSelector('[data-testid="search-results"]:focus');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="series-list"]:focus');
    expect(await page.textContent('[data-testid="study-patient"]')).toContain('PAT-42');
    await page.keyboard.press('Enter');
    const host = page.locator('[data-testid="viewer-host"]');
    await host.waitFor();
    const first = await host.getAttribute('data-series-id');
    await page.waitForSelector('[data-testid="viewer-host"] canvas');
    const frameStatus = (seriesId: string | null) => page.evaluate(async (id) => (await fetch(`/binary/frames/${id}/0`)).status, seriesId);
    expect(await frameStatus(first)).toBe(200);

    // The same study from the local library: another series, so the first is closed in main.
    await page.click('role=tab[name="This station"]');
    await page.click(`[data-study-uid="${DEMO_STUDY}"]`);
    await page.waitForSelector('[data-testid="series-list"] [role="option"]');
    await page.click('[data-testid="series-list"] [role="option"]');
    await expect.poll(() => host.getAttribute('data-series-id')).not.toBe(first);
    await expect.poll(() => frameStatus(first)).toBe(404);
    // It is now the most recent study on this station.
    await page.waitForSelector('[data-testid="recent-studies"] [role="option"]');
    await page.screenshot({ path: join(artifacts, 'imaging-workspace.png') });

    // Another view and back: the same series is still open, in the viewer and in main.
    const second = await host.getAttribute('data-series-id');
    await page.keyboard.press('Control+4');
    await page.waitForSelector('#settings-title');
    await page.keyboard.press('Control+2');
    await expect.poll(() => page.locator('[data-testid="viewer-host"]').getAttribute('data-series-id')).toBe(second);
    expect(await frameStatus(second)).toBe(200);
    await page.close();
  }, 120_000);

  it('shows a clear error when HealthImaging denies access (403)', async () => {
    const denying = await HealthImagingStandIn.start({ dicomDirs: [demoCtFolder(fixture.services.env.resourcesDir)], datastoreId: standIn.datastoreId, deniedAccessKeys: ['AKIDSTANDIN'] });
    try {
      useStandIn(denying.endpoint);
      const page = await openImaging();
      await searchPatient(page, 'PAT-42');
      const error = await page.waitForSelector('[data-testid="search-error"]');
      expect(await error.textContent()).toMatch(/Access denied by HealthImaging.*AccessDeniedException/);
      expect(await page.$('[data-testid="search-results"]')).toBeNull();
      await page.close();
    } finally {
      await denying.close();
    }
  });
});
