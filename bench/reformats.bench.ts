/**
 * `npm run bench -- reformats`: the CT viewer's reformats (MPR) in headless Chromium (software WebGL)
 * on the ≥300-slice 512×512 bench CT (bench/ctSeries.ts) from the HealthImaging stand-in over loopback.
 *
 * The series is opened in the stack view and fully loaded first (a radiologist switching to the
 * reformats of a series they are reading); then, timed in the page:
 *
 * - mprReadyMs: the `M` key to all three views drawn (the volume built over the cached slices and its
 *   3D texture uploaded; no slice is fetched or decoded again: `framesFetchedForMpr` counts any that are).
 * - crosshairP50Ms / P95Ms: a click in the axial view to the sagittal view showing the new plane and the
 *   frame after it, over 30 clicks.
 * - sagittalStepP50Ms / P95Ms: one arrow key over the sagittal view to its next slice on screen, over 60 steps.
 * - volumeMiB: the Float32 voxels the volume reads (the stack's cached slices; the GPU holds one copy more).
 */
import { buildRenderer } from '../scripts/build.mjs';
import { openSeries, startViewerEnvironment } from '../test/support/ctViewerHarness.js';
import { BENCH_CT_STUDY, buildBenchCtSeries } from './ctSeries.js';
import { benchLog, cachedFixture, percentile, printResult, round } from './harness.js';

const SLICES = Number(process.env.BENCH_SLICES ?? 308);
const PATIENT = 'BENCH-CT';
const CLICKS = 30;
const STEPS = 60;

// The viewer bench's fixture: one copy for both.
const series = await cachedFixture(`imaging-ct${SLICES}`, 1, (dir) => buildBenchCtSeries(dir, SLICES));
await buildRenderer();
benchLog(`starting the host and the HealthImaging stand-in (encoding ${SLICES} frames as lossless HTJ2K)`);
const env = await startViewerEnvironment({ dirs: [series], tags: { [BENCH_CT_STUDY]: { patientId: PATIENT } } });

try {
  const page = await openSeries(env, PATIENT, async (target) => target.on('pageerror', (error) => benchLog(`page error: ${error.message}`)));
  benchLog(`loading the ${SLICES} slices in the stack view`);
  await page.waitForSelector(`[data-testid="ct-viewer"][data-loaded="${SLICES}"]`, { timeout: 300_000 });
  let framesFetchedForMpr = 0;
  page.on('request', (request) => {
    if (request.url().includes('/binary/frames/')) framesFetchedForMpr++;
  });

  benchLog('opening the reformats');
  await page.focus('[data-testid="ct-viewport"]');
  // Timed in the page from the key's arrival. A real key press, with its key-up: cornerstone's tools
  // track held keys, and a key still down would change what the left button does.
  await page.evaluate(`(() => {
    window.benchMpr = new Promise((resolve, reject) => {
      document.addEventListener('keydown', () => {
        const started = performance.now();
        const mpr = () => document.querySelector('[data-testid="mpr"]');
        const check = () => mpr()?.getAttribute('data-state') === 'ready' && mpr()?.getAttribute('data-frames-loaded') === '${SLICES}'
          ? requestAnimationFrame(() => resolve(performance.now() - started))
          : performance.now() - started > 120000 ? reject(new Error('the reformats did not become ready')) : requestAnimationFrame(check);
        check();
      }, { capture: true, once: true });
    });
  })()`);
  await page.keyboard.press('m');
  const mprReadyMs = (await page.evaluate('window.benchMpr')) as number;

  benchLog('moving the crosshairs and stepping the sagittal view');
  const box = (await page.locator('[data-testid="mpr-axial"]').boundingBox())!;
  const crosshair: number[] = [];
  for (let i = 0; i < CLICKS; i++) {
    // Alternate between two points a few centimetres apart (diagonally: a click on a crosshair line
    // grabs the line instead of moving the centre), so every click moves the sagittal plane.
    const [fx, fy] = i % 2 ? [0.35, 0.42] : [0.4, 0.56];
    await page.evaluate(`(() => {
      const sagittal = document.querySelector('[data-testid="mpr-sagittal"]');
      const before = sagittal.getAttribute('data-focal-point');
      window.benchJump = new Promise((resolve, reject) => {
        document.addEventListener('mousedown', () => {
          const started = performance.now();
          const check = () => sagittal.getAttribute('data-focal-point') !== before
            ? requestAnimationFrame(() => resolve(performance.now() - started))
            : performance.now() - started > 10000 ? reject(new Error('the sagittal plane did not move')) : requestAnimationFrame(check);
          check();
        }, { capture: true, once: true });
      });
    })()`);
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);

    crosshair.push((await page.evaluate('window.benchJump')) as number);
  }
  await page.locator('[data-testid="mpr-sagittal"]').hover();
  const steps = (await page.evaluate(`(async () => {
    const sagittal = document.querySelector('[data-testid="mpr-sagittal"]');
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const times = [];
    for (let i = 0; i < ${STEPS}; i++) {
      const before = sagittal.getAttribute('data-slice');
      const started = performance.now();
      sagittal.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      while (sagittal.getAttribute('data-slice') === before) {
        if (performance.now() - started > 10000) throw new Error('the sagittal view did not step');
        await frame();
      }
      await frame();
      times.push(performance.now() - started);
      sagittal.dispatchEvent(new KeyboardEvent('keyup', { key: 'ArrowDown', bubbles: true }));
    }
    return times;
  })()`)) as number[];
  const renderer = await page.getAttribute('[data-testid="ct-viewer"]', 'data-renderer');

  printResult({
    mprReadyMs: round(mprReadyMs, 0),
    framesFetchedForMpr,
    crosshairP50Ms: round(percentile(crosshair, 50), 1),
    crosshairP95Ms: round(percentile(crosshair, 95), 1),
    sagittalStepP50Ms: round(percentile(steps, 50), 1),
    sagittalStepP95Ms: round(percentile(steps, 95), 1),
    volumeMiB: round((SLICES * 512 * 512 * 4) / (1024 * 1024), 0),
    renderer,
    slices: SLICES,
  });
} finally {
  await env.close();
}
