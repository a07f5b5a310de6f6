import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENT, huAt, openSeries, shownSlice, startViewerEnvironment, type ViewerEnvironment } from '../support/ctViewerHarness.js';

type View = 'axial' | 'sagittal' | 'coronal';
type Vec3 = [number, number, number];
interface Readout {
  column: number;
  row: number;
  slice: number;
  hu: number;
  world: Vec3;
}

/** What the page shows of one reformat view (the viewer publishes it on the viewport element). */
async function viewOf(page: Page, view: View): Promise<{ slice: number; focalPoint: Vec3; mmPerPixel: [number, number] }> {
  const element = page.locator(`[data-testid="mpr-${view}"]`);
  return {
    slice: Number(await element.getAttribute('data-slice')),
    focalPoint: JSON.parse((await element.getAttribute('data-focal-point')) ?? 'null') as Vec3,
    mmPerPixel: JSON.parse((await element.getAttribute('data-mm-per-pixel')) ?? 'null') as [number, number],
  };
}

/** Hovers a point of a view (fractions of its box) and returns the voxel the viewer reads there. */
async function readAt(page: Page, view: View, fx: number, fy: number): Promise<Readout> {
  const element = page.locator(`[data-testid="mpr-${view}"]`);
  const box = (await element.boundingBox())!;
  // First the corner (outside the volume: no readout), so an earlier readout is not mistaken for this one.
  await page.mouse.move(box.x + 1, box.y + 1);
  await expect.poll(() => element.getAttribute('data-readout')).toBe('');
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
  await expect.poll(() => element.getAttribute('data-readout')).not.toBe('');
  return JSON.parse((await element.getAttribute('data-readout'))!) as Readout;
}

let env: ViewerEnvironment;

beforeAll(async () => {
  env = await startViewerEnvironment();
}, 120_000);
afterAll(async () => {
  await env?.close();
});

/** Test-only: records every WebGL context the page makes, so a test can lose them as a GPU reset would. */
function recordWebGlContexts(): void {
  const contexts: WebGLRenderingContext[] = [];
  Object.assign(window, { atriumTestGlContexts: contexts });
  const original = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, options?: unknown) {
    const context = (original as (this: HTMLCanvasElement, type: string, options?: unknown) => RenderingContext | null).call(this, type, options);
    if (context && (type === 'webgl2' || type === 'webgl')) contexts.push(context as WebGLRenderingContext);
    return context;
  } as typeof original;
}

/** Loses every live WebGL context of the page (WEBGL_lose_context) and blanks the viewer's on-screen canvases. */
async function loseAllContexts(page: Page): Promise<number> {
  return page.evaluate(() => {
    const contexts = (window as unknown as { atriumTestGlContexts: WebGLRenderingContext[] }).atriumTestGlContexts;
    const lost = contexts.filter((c) => !c.isContextLost()).map((c) => c.getExtension('WEBGL_lose_context')).filter((e): e is WEBGL_lose_context => e !== null);
    Object.assign(window, { atriumTestLost: lost });
    for (const extension of lost) extension.loseContext();
    // What is on screen now is the old picture: clear it, so only a new engine can draw it again.
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid="ct-viewer"] canvas')) canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
    return lost.length;
  });
}

async function restoreContexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const extension of (window as unknown as { atriumTestLost: WEBGL_lose_context[] }).atriumTestLost) extension.restoreContext();
  });
}

/** How many pixels of the canvas in `selector` are not black. */
async function litPixels(page: Page, selector: string): Promise<number> {
  return page.locator(`${selector} canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if ((data[i] as number) > 8) lit++;
    return lit;
  });
}

/** Counts the page's frame requests (binary route `/binary/frames/<series>/<index>`) per slice index from now on. */
function countFrameRequests(page: Page): Map<number, number> {
  const counts = new Map<number, number>();
  page.on('request', (request) => {
    const match = /\/binary\/frames\/[^/]+\/(\d+)$/.exec(new URL(request.url()).pathname);
    if (match) counts.set(Number(match[1]), (counts.get(Number(match[1])) ?? 0) + 1);
  });
  return counts;
}

async function pressPreset(page: Page, name: string): Promise<void> {
  const label = await page.locator('[role="toolbar"] button', { hasText: new RegExp(`^\\d ${name}$`) }).textContent();
  await page.keyboard.press(label!.slice(0, 1));
}

describe('CT reformats (MPR) in Chromium', { timeout: 150_000 }, () => {
  let page: Page;
  let framesFetched: Map<number, number>;

  beforeAll(async () => {
    page = await openSeries(env, DEMO_PATIENT);
    await page.waitForSelector(`[data-testid="ct-viewer"][data-loaded="${env.slices.length}"]`, { timeout: 30_000 });
    framesFetched = countFrameRequests(page);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('opens with M: three views on a volume filled from the stack’s slices', async () => {
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press('m');
    const mpr = page.locator('[data-testid="mpr"]');
    await expect.poll(() => mpr.getAttribute('data-state'), { timeout: 30_000 }).toBe('ready');
    await expect.poll(() => mpr.getAttribute('data-frames-loaded'), { timeout: 30_000 }).toBe(String(env.slices.length));
    expect(await page.getAttribute('[data-testid="ct-viewer"]', 'data-layout')).toBe('mpr');
    expect(await page.$('[data-testid="mpr-progress"]')).toBeNull();
    // Every slice came from the stack's cache: nothing fetched (or decoded) again.
    expect(framesFetched.size).toBe(0);
  });

  it('fills the volume progressively when opened before the series has arrived, each missing slice fetched once', async () => {
    const slow = await openSeries(env, DEMO_PATIENT, (target) =>
      // A slow link: each frame answers after 300 ms.
      target.route(/\/binary\/frames\//, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await route.continue();
      }),
    );
    await shownSlice(slow, Math.floor(env.slices.length / 2));
    await slow.focus('[data-testid="ct-viewport"]');
    const askedAfter = countFrameRequests(slow);
    await slow.keyboard.press('m');
    const progress = slow.locator('[data-testid="mpr-progress"]');
    const text = (await progress.textContent({ timeout: 20_000 })) ?? '';
    const [, loaded, total] = /Building the volume: (\d+)\/(\d+) slices/.exec(text) ?? [];
    expect(Number(total)).toBe(env.slices.length);
    expect(Number(loaded)).toBeLessThan(env.slices.length);
    const mpr = slow.locator('[data-testid="mpr"]');
    await expect.poll(() => mpr.getAttribute('data-frames-loaded'), { timeout: 60_000 }).toBe(String(env.slices.length));
    await progress.waitFor({ state: 'detached' });
    // The volume and the stack's prefetcher share each slice's load: no slice is asked for twice.
    expect([...askedAfter.entries()].filter(([, n]) => n > 1)).toEqual([]);
    await slow.close();
  });

  it('labels each view with the patient directions', async () => {
    const markers = async (view: View) =>
      Object.fromEntries(await Promise.all((['top', 'bottom', 'left', 'right'] as const).map(async (edge) => [edge, await page.textContent(`[data-testid="mpr-${view}-marker-${edge}"]`)])));
    expect(await markers('axial')).toEqual({ top: 'A', bottom: 'P', left: 'R', right: 'L' });
    expect(await markers('sagittal')).toEqual({ top: 'S', bottom: 'I', left: 'A', right: 'P' });
    expect(await markers('coronal')).toEqual({ top: 'S', bottom: 'I', left: 'R', right: 'L' });
  });

  it('shows the decoded HU × slope + intercept at the voxel under the cursor in the sagittal and coronal views', async () => {
    for (const view of ['sagittal', 'coronal'] as const) {
      for (const [fx, fy] of [
        [0.5, 0.5],
        [0.4, 0.45],
      ] as const) {
        const readout = await readAt(page, view, fx, fy);
        expect(readout.slice).toBeGreaterThanOrEqual(0);
        expect(readout.hu).toBe(huAt(env.slices[readout.slice]!, readout.column, readout.row));
      }
    }
  });

  it('keeps the physical aspect: 5 mm slices are as tall as 5 mm across (not squashed), in the drawn pixels too', async () => {
    // The lung window draws air grey, so the volume stands out from the black background.
    await page.locator('[data-testid="mpr-sagittal"]').hover();
    await pressPreset(page, 'Lung');
    for (const view of ['sagittal', 'coronal'] as const) {
      const { mmPerPixel } = await viewOf(page, view);
      expect(Math.abs(mmPerPixel[0] - mmPerPixel[1]) / mmPerPixel[0]).toBeLessThan(0.01);
      // The drawn volume's extent on screen, from the canvas itself.
      const extent = await page.locator(`[data-testid="mpr-${view}"] canvas`).evaluate((canvas: HTMLCanvasElement) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let [top, bottom, left, right] = [Infinity, -1, Infinity, -1];
        for (let y = 0; y < canvas.height; y++) {
          for (let x = 0; x < canvas.width; x++) {
            if ((data[(y * canvas.width + x) * 4] as number) > 8) {
              top = Math.min(top, y);
              bottom = Math.max(bottom, y);
              left = Math.min(left, x);
              right = Math.max(right, x);
            }
          }
        }
        const scale = canvas.clientWidth / canvas.width;
        return { height: (bottom - top + 1) * scale, width: (right - left + 1) * scale };
      });
      const [columnSpacing] = env.slices[0]!.instance.pixelSpacing!;
      const z = env.slices.map((s) => s.instance.positions[0]![2]);
      const depthMm = Math.max(...z) - Math.min(...z);
      // Voxel centres span (n − 1) spacings; the drawn edge may add up to half a voxel each side.
      expect(extent.height * mmPerPixel[1]).toBeGreaterThan(depthMm - 2);
      expect(extent.height * mmPerPixel[1]).toBeLessThan(depthMm + 5 + 2);
      expect(Math.abs(extent.width * mmPerPixel[0] - 512 * columnSpacing!)).toBeLessThan(3);
    }
  });

  it('uses one window for all three views', async () => {
    const windows = await Promise.all((['axial', 'sagittal', 'coronal'] as const).map((view) => page.getAttribute(`[data-testid="mpr-${view}"]`, 'data-window')));
    expect(windows).toEqual(Array(3).fill(JSON.stringify({ center: -600, width: 1500 })));
  });

  it('moves the sagittal and coronal planes to the point clicked in the axial view', async () => {
    const [sagittalBefore, coronalBefore, axialBefore] = await Promise.all([viewOf(page, 'sagittal'), viewOf(page, 'coronal'), viewOf(page, 'axial')]);
    const target = await readAt(page, 'axial', 0.4, 0.56);
    const box = (await page.locator('[data-testid="mpr-axial"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.56);
    await expect.poll(async () => (await viewOf(page, 'sagittal')).focalPoint[0]).not.toBe(sagittalBefore.focalPoint[0]);
    const [sagittal, coronal, axial] = await Promise.all([viewOf(page, 'sagittal'), viewOf(page, 'coronal'), viewOf(page, 'axial')]);
    // The sagittal plane is now at the clicked x, the coronal at the clicked y (world, mm), within half a voxel.
    const [columnSpacing, rowSpacing] = env.slices[0]!.instance.pixelSpacing!;
    expect(Math.abs(sagittal.focalPoint[0] - target.world[0])).toBeLessThanOrEqual(columnSpacing! / 2);
    expect(Math.abs(coronal.focalPoint[1] - target.world[1])).toBeLessThanOrEqual(rowSpacing! / 2);
    expect(sagittal.slice).not.toBe(sagittalBefore.slice);
    expect(coronal.slice).not.toBe(coronalBefore.slice);
    // The axial view itself stays on its slice.
    expect(axial.focalPoint[2]).toBeCloseTo(axialBefore.focalPoint[2], 3);
    // And the sagittal view now shows the clicked column: its centre reads that voxel's column.
    const centre = await readAt(page, 'sagittal', 0.5, 0.5);
    expect(Math.abs(centre.column - target.column)).toBeLessThanOrEqual(1);
    expect(centre.hu).toBe(huAt(env.slices[centre.slice]!, centre.column, centre.row));
  });

  it('scrolls only the view under the pointer, one slice per arrow key', async () => {
    const [axialBefore, sagittalBefore, coronalBefore] = await Promise.all([viewOf(page, 'axial'), viewOf(page, 'sagittal'), viewOf(page, 'coronal')]);
    await page.locator('[data-testid="mpr-coronal"]').hover();
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await viewOf(page, 'coronal')).slice).not.toBe(coronalBefore.slice);
    const [axial, sagittal, coronal] = await Promise.all([viewOf(page, 'axial'), viewOf(page, 'sagittal'), viewOf(page, 'coronal')]);
    expect(Math.abs(coronal.slice - coronalBefore.slice)).toBe(1);
    // One step (the first one from the clicked point lands on the nearest voxel row, so it can be shorter).
    const rowSpacing = env.slices[0]!.instance.pixelSpacing![1]!;
    const moved = Math.abs(coronal.focalPoint[1] - coronalBefore.focalPoint[1]);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual(rowSpacing + 1e-6);
    const rows = (coronal.focalPoint[1] - env.slices[0]!.instance.positions[0]![1]) / rowSpacing;
    expect(Math.abs(rows - Math.round(rows))).toBeLessThan(0.01);
    expect([axial.slice, sagittal.slice]).toEqual([axialBefore.slice, sagittalBefore.slice]);
  });

  it('goes back to the stack view with M, on the slice it left', async () => {
    const stackSlice = await page.getAttribute('[data-testid="ct-viewer"]', 'data-slice-index');
    await page.keyboard.press('m');
    await page.waitForSelector('[data-testid="mpr"]', { state: 'detached' });
    await shownSlice(page, Number(stackSlice));
  });
});

describe('a lost WebGL context', { timeout: 150_000 }, () => {
  it('rebuilds the stack view on the same slice and window, and says so', async () => {
    const page = await openSeries(env, DEMO_PATIENT, (target) => target.addInitScript(recordWebGlContexts));
    const middle = Math.floor(env.slices.length / 2);
    await shownSlice(page, middle);
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await shownSlice(page, middle + 2);
    await pressPreset(page, 'Lung');
    const viewer = page.locator('[data-testid="ct-viewer"]');
    await expect.poll(() => viewer.getAttribute('data-window-width')).toBe('1500');
    expect(await litPixels(page, '[data-testid="ct-viewport"]')).toBeGreaterThan(1000);

    expect(await loseAllContexts(page)).toBeGreaterThan(0);
    const notice = page.locator('[data-testid="viewer-notice"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toMatch(/graphics context was lost/);
    await restoreContexts(page);

    await expect.poll(() => litPixels(page, '[data-testid="ct-viewport"]'), { timeout: 20_000 }).toBeGreaterThan(1000);
    await shownSlice(page, middle + 2);
    expect([await viewer.getAttribute('data-window-width'), await viewer.getAttribute('data-window-center')]).toEqual(['1500', '-600']);
    await page.close();
  });

  it('rebuilds the reformats where they were, and says so', async () => {
    const page = await openSeries(env, DEMO_PATIENT, (target) => target.addInitScript(recordWebGlContexts));
    await page.waitForSelector(`[data-testid="ct-viewer"][data-loaded="${env.slices.length}"]`, { timeout: 30_000 });
    await page.focus('[data-testid="ct-viewport"]');
    await page.keyboard.press('m');
    await page.waitForSelector('[data-testid="mpr"][data-state="ready"]', { timeout: 30_000 });
    const box = (await page.locator('[data-testid="mpr-axial"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.55);
    await page.locator('[data-testid="mpr-axial"]').hover();
    await pressPreset(page, 'Lung');
    await expect.poll(() => page.getAttribute('[data-testid="mpr-coronal"]', 'data-window')).toBe(JSON.stringify({ center: -600, width: 1500 }));
    const before = await Promise.all((['axial', 'sagittal', 'coronal'] as const).map((view) => page.getAttribute(`[data-testid="mpr-${view}"]`, 'data-focal-point')));

    expect(await loseAllContexts(page)).toBeGreaterThan(0);
    const notice = page.locator('[data-testid="mpr-notice"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toMatch(/graphics context was lost/);
    await restoreContexts(page);

    for (const view of ['axial', 'sagittal', 'coronal'] as const) {
      await expect.poll(() => litPixels(page, `[data-testid="mpr-${view}"]`), { timeout: 20_000 }).toBeGreaterThan(1000);
    }
    const after = await Promise.all((['axial', 'sagittal', 'coronal'] as const).map(async (view) => JSON.parse((await page.getAttribute(`[data-testid="mpr-${view}"]`, 'data-focal-point'))!) as Vec3));
    // Each view is back on its plane: axial at the same z, sagittal at the same x, coronal at the same y.
    const planes = before.map((point) => JSON.parse(point!) as Vec3);
    expect(after[0]![2]).toBeCloseTo(planes[0]![2], 3);
    expect(after[1]![0]).toBeCloseTo(planes[1]![0], 3);
    expect(after[2]![1]).toBeCloseTo(planes[2]![1], 3);
    expect(await page.getAttribute('[data-testid="mpr-sagittal"]', 'data-window')).toBe(JSON.stringify({ center: -600, width: 1500 }));
    await page.close();
  });
});
