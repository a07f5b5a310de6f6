import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoCtFolder, ensureDemoImaging } from '../../main/demo/demoImaging.js';
import { readDicomInstance, readFrameBytes, type DicomInstance } from '../../main/imaging/dicomFile.js';
import { HealthImagingStandIn } from '../standins/healthimaging/healthImagingStandIn.js';
import { launchChromium } from './browser.js';
import { startTestHost, type HostFixture } from './runningHost.js';

/** The bundled demo CT (30 axial 512×512 slices, 0.45 mm pixels, 5 mm apart) and the patient the stand-in files it under. */
export const DEMO_STUDY = '1.3.46.670589.33.1.27492712521914879309.27169771283235650014';
export const DEMO_PATIENT = 'PAT-42';

export interface Slice {
  readonly instance: DicomInstance;
  readonly stored: Uint16Array;
}

/** The demo CT in display order (by position along the slice normal; axial here, so by z). */
export async function demoSlices(folder: string): Promise<Slice[]> {
  const slices: Slice[] = [];
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.dcm'))) {
    const instance = await readDicomInstance(join(folder, name));
    const bytes = await readFrameBytes(join(folder, name), instance.frames[0]!);
    slices.push({ instance, stored: new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) });
  }
  return slices.sort((a, b) => a.instance.positions[0]![2] - b.instance.positions[0]![2]);
}

/** The decoded reference: stored value × slope + intercept. */
export function huAt(slice: Slice, column: number, row: number): number {
  return slice.stored[row * slice.instance.format.columns + column]! * slice.instance.rescaleSlope + slice.instance.rescaleIntercept;
}

export interface ViewerEnvironment {
  readonly fixture: HostFixture;
  readonly standIn: HealthImagingStandIn;
  readonly browser: Browser;
  readonly slices: Slice[];
  close(): Promise<void>;
}

/** The host with the demo imaging, the HealthImaging stand-in serving the demo CT (plus `extraDirs`), and Chromium. */
export async function startViewerEnvironment(extra: { dirs?: string[]; tags?: Record<string, { patientId?: string }> } = {}): Promise<ViewerEnvironment> {
  // The default credential chain reads these; the stand-in checks the access key id.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSTANDIN';
  process.env.AWS_SECRET_ACCESS_KEY = 'standin-secret';
  const fixture = await startTestHost();
  await ensureDemoImaging(fixture.services);
  const demo = demoCtFolder(fixture.services.env.resourcesDir);
  const slices = await demoSlices(demo);
  const standIn = await HealthImagingStandIn.start({
    dicomDirs: [demo, ...(extra.dirs ?? [])],
    tags: { [DEMO_STUDY]: { patientId: DEMO_PATIENT, accessionNumber: 'ACC-42' }, ...extra.tags },
  });
  fixture.services.settings.set('aws.healthImaging.endpoint', standIn.endpoint);
  fixture.services.settings.set('aws.healthImaging.datastoreId', standIn.datastoreId);
  const browser = await launchChromium();
  return {
    fixture,
    standIn,
    browser,
    slices,
    async close() {
      await browser.close();
      await fixture.cleanup();
      await standIn.close();
    },
  };
}

/** A new page that finds `patientId` in HealthImaging and opens its first series in the viewer, by keyboard. */
export async function openSeries(env: ViewerEnvironment, patientId: string, prepare?: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await prepare?.(page);
  await page.goto(env.fixture.host.launchUrl);
  // Generous: CI machines are small and the first page load compiles a lot of JavaScript.
  await page.waitForSelector('[data-ready="worklist"]', { timeout: 90_000 });
  await page.keyboard.press('Control+2');
  // The imaging workspace's code is a lazy chunk, and it readies cornerstone and a decode worker: slow on a busy machine.
  await page.waitForSelector('[data-ready="imaging-library"]', { timeout: 90_000 });
  await page.click('role=tab[name="HealthImaging"]');
  await page.fill('input[name="patientId"]', patientId);
  await page.press('input[name="patientId"]', 'Enter');
  await page.waitForSelector('[data-testid="search-results"] [role="option"]');
  await page.focus('[data-testid="search-results"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="series-list"] [role="option"]');
  await page.focus('[data-testid="series-list"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid="ct-viewer"]', { timeout: 30_000 });
  return page;
}

/** Waits until the stack view shows slice `index`. */
export async function shownSlice(page: Page, index: number): Promise<void> {
  const viewer = page.locator('[data-testid="ct-viewer"]');
  await expect.poll(() => viewer.getAttribute('data-shown-index'), { timeout: 20_000 }).toBe(String(index));
}
