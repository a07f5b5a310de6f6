import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctSliceElements, writeDicom } from '../../main/imaging/dicomWriter.js';
import { DEMO_PATIENT, huAt, openSeries as openInViewer, shownSlice as shown, startViewerEnvironment, type Slice, type ViewerEnvironment } from '../support/ctViewerHarness.js';
import { tempDir } from '../support/tempDir.js';

const GAP_STUDY = '2.25.777001';

/** Six 64×64 slices 2 mm apart with one missing: the viewer must warn about the gap. */
function writeGapSeries(dir: string): void {
  const pixels = new Uint8Array(64 * 64 * 2);
  new DataView(pixels.buffer).setInt16(0, 100, true);
  [0, 2, 4, 8, 10, 12].forEach((z, i) => {
    const sop = `${GAP_STUDY}.1.${i + 1}`;
    const elements = ctSliceElements({ studyUid: GAP_STUDY, seriesUid: `${GAP_STUDY}.1`, sopUid: sop, instanceNumber: i + 1, position: [0, 0, z], rows: 64, columns: 64, pixelData: pixels });
    writeFileSync(join(dir, `gap${i}.dcm`), writeDicom({ transferSyntaxUid: '1.2.840.10008.1.2.1', sopInstanceUid: sop, elements }));
  });
}

describe('the CT viewer in Chromium, against the HealthImaging stand-in', { timeout: 150_000 }, () => {
  let env: ViewerEnvironment;
  let slices: Slice[];
  let page: Page;

  beforeAll(async () => {
    const gapDir = join(tempDir('atrium-viewer-gap-'), 'series');
    mkdirSync(gapDir);
    writeGapSeries(gapDir);
    env = await startViewerEnvironment({ dirs: [gapDir], tags: { [GAP_STUDY]: { patientId: 'GAP-1' } } });
    slices = env.slices;
  });
  afterAll(async () => {
    await env?.close();
  });

  const openSeries = (patientId: string, prepare?: (page: Page) => Promise<void>) => openInViewer(env, patientId, prepare);

  /** Hovers the viewport's centre; returns the readout's image pixel and HU. */
  async function readCentre(target: Page): Promise<{ column: number; row: number; hu: number }> {
    const box = (await target.locator('[data-testid="ct-viewport"]').boundingBox())!;
    await target.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const readout = target.locator('[data-testid="hu-readout"]');
    await expect.poll(() => readout.getAttribute('data-hu')).not.toBe('');
    const [x, y, hu] = await Promise.all(['data-x', 'data-y', 'data-hu'].map(async (a) => Number(await readout.getAttribute(a))));
    return { column: Math.floor(x!), row: Math.floor(y!), hu: hu! };
  }

  it('has WebGL2 (SwiftShader), then shows the middle slice first with its stored HU at the centre', async () => {
    page = await openSeries(DEMO_PATIENT);
    const webgl2 = await page.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
    expect(webgl2).toBe(true);
    const viewer = page.locator('[data-testid="ct-viewer"]');
    await expect.poll(() => viewer.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    const middle = Math.floor(slices.length / 2);
    await shown(page, middle);
    expect(await page.textContent('[data-testid="slice-counter"]')).toBe(`Slice ${middle + 1}/${slices.length}`);
    const centre = await readCentre(page);
    expect(Math.abs(centre.column - 256)).toBeLessThanOrEqual(1);
    expect(Math.abs(centre.row - 256)).toBeLessThanOrEqual(1);
    expect(centre.hu).toBe(huAt(slices[middle]!, centre.column, centre.row));
    // The rest of the series arrives behind it.
    await expect.poll(() => viewer.getAttribute('data-loaded'), { timeout: 30_000 }).toBe(String(slices.length));
  });

  it('scrolls by keyboard to slice N and shows slice N', async () => {
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press('Home');
    await shown(page, 0);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await shown(page, 3);
    const centre = await readCentre(page);
    expect(centre.hu).toBe(huAt(slices[3]!, centre.column, centre.row));
    await page.keyboard.press('End');
    await shown(page, slices.length - 1);
    expect(await page.textContent('[data-testid="slice-counter"]')).toBe(`Slice ${slices.length}/${slices.length}`);
  });

  it('sets the lung window with its number key', async () => {
    const presets = await page.locator('[role="toolbar"] button', { hasText: /^\d Lung$/ }).allTextContents();
    expect(presets).toHaveLength(1);
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press(presets[0]!.slice(0, 1));
    const viewer = page.locator('[data-testid="ct-viewer"]');
    await expect.poll(async () => [Number(await viewer.getAttribute('data-window-width')), Number(await viewer.getAttribute('data-window-center'))]).toEqual([1500, -600]);
    expect(await page.textContent('[data-testid="window-level"]')).toBe('W 1500 L -600');
  });

  it('measures a length that matches the physical distance from the pixel spacing', async () => {
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press('l');
    const box = (await page.locator('[data-testid="ct-viewport"]').boundingBox())!;
    const from = { x: box.x + box.width * 0.35, y: box.y + box.height * 0.4 };
    const to = { x: box.x + box.width * 0.6, y: box.y + box.height * 0.62 };
    const imageAt = async (p: { x: number; y: number }) => {
      await page.mouse.move(p.x, p.y);
      const readout = page.locator('[data-testid="hu-readout"]');
      await expect.poll(() => readout.getAttribute('data-x')).not.toBe('');
      return { x: Number(await readout.getAttribute('data-x')), y: Number(await readout.getAttribute('data-y')) };
    };
    const a = await imageAt(from);
    const b = await imageAt(to);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    // The tool handles drags once per frame and may drop the last move of a burst (the end point then
    // lags a step behind): finish with two single moves a frame apart, the last one onto the target.
    const nextFrames = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await nextFrames();
    await page.mouse.move(to.x - 1, to.y);
    await nextFrames();
    await page.mouse.move(to.x, to.y);
    await nextFrames();
    await page.mouse.up();
    const item = page.locator('[data-testid="measurements"] li[data-kind="length"]');
    await item.waitFor();
    // Values and text from one snapshot: the tool may still update the measurement once after the
    // mouse is up, and reading them one after the other then saw two different lengths.
    const [values, text] = await item.evaluate((li) => [li.getAttribute('data-values'), li.textContent]);
    const { length } = JSON.parse(values!) as { length: number };
    const [columnSpacing, rowSpacing] = slices[0]!.instance.pixelSpacing!;
    const expected = Math.hypot((b.x - a.x) * columnSpacing, (b.y - a.y) * rowSpacing);
    expect(expected).toBeGreaterThan(50);
    expect(Math.abs(length - expected) / expected).toBeLessThan(0.01);
    expect(text).toContain(`Length ${length.toFixed(1)} mm`);
  });

  it('shows the series warning for a gap, in the reformats too', async () => {
    const gapPage = await openSeries('GAP-1');
    expect(await gapPage.textContent('[data-testid="series-warnings"]')).toMatch(/gap/);
    // The reformats still open, and say that the slices are placed evenly.
    await gapPage.waitForSelector('[data-testid="ct-viewer"][data-loaded="6"]', { timeout: 20_000 });
    await gapPage.focus('[data-testid="ct-viewport"]');
    await gapPage.keyboard.press('m');
    await gapPage.waitForSelector('[data-testid="mpr"][data-state="ready"]', { timeout: 30_000 });
    expect(await gapPage.textContent('[data-testid="mpr-caveat"]')).toMatch(/approximate/);
    await gapPage.close();
  });

  it('shows an error tile for a slice whose frame is corrupt, not a blank viewer', async () => {
    const broken = Math.floor(slices.length / 2) + 1;
    const brokenPage = await openSeries(DEMO_PATIENT, async (target) => {
      await target.route(new RegExp(`/binary/frames/[^/]+/${broken}$`), async (route) => {
        const response = await route.fetch();
        const body = Buffer.from(await response.body());
        const at = body.length >> 1;
        body.writeUInt8(body.readUInt8(at) ^ 0xff, at); // the published CRC no longer matches
        await route.fulfill({ response, body });
      });
    });
    await brokenPage.focus('[data-testid="ct-viewport"]');
    await shown(brokenPage, broken - 1);
    await brokenPage.keyboard.press('ArrowDown');
    const tile = brokenPage.locator('[data-testid="slice-error"]');
    await tile.waitFor({ timeout: 20_000 });
    expect(await tile.getAttribute('data-slice')).toBe(String(broken));
    expect(await tile.textContent()).toContain(`Slice ${broken + 1} could not be shown`);
    // Moving on leaves the broken slice behind.
    await brokenPage.keyboard.press('ArrowDown');
    await shown(brokenPage, broken + 1);
    expect(await brokenPage.$('[data-testid="slice-error"]')).toBeNull();
    await brokenPage.close();
  });
});
