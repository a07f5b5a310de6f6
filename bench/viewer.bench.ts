/**
 * `npm run bench -- viewer`: the CT viewer in headless Chromium (software WebGL) against the real host,
 * opening a ≥300-slice 512×512 CT (bench/ctSeries.ts) from the HealthImaging stand-in over loopback
 * shaped to 100 Mbit/s, through the study browser's UI.
 *
 * - firstImageMs: from the click that opens the series to the first slice rendered; cold: a fresh host
 *   (empty frame cache), a fresh page (decode workers not started), nothing in cornerstone's cache.
 *   The study browser draws a thumbnail of the middle slice before the click; its frame request is
 *   refused until the click so that it cannot warm main's cache.
 * - allSlicesMs: from the same click to every slice decoded and in the viewer's cache.
 * - nonProgressiveFirstImageMs: the baseline that waits for every slice, then displays: allSlicesMs
 *   plus the time to display a slice already in the cache (measured in the same run), i.e. what the
 *   user would wait without progressive display.
 * - scrollFrameP50Ms / P95Ms: with the series loaded, one slice step (a keypress) to that slice
 *   rendered, over 200 steps.
 */
import { buildRenderer } from '../scripts/build.mjs';
import { launchChromium } from '../test/support/browser.js';
import { startTestHost } from '../test/support/runningHost.js';
import { HealthImagingStandIn } from '../test/standins/healthimaging/healthImagingStandIn.js';
import { BENCH_CT_STUDY, buildBenchCtSeries } from './ctSeries.js';
import { benchLog, cachedFixture, percentile, printResult, round } from './harness.js';

const SLICES = Number(process.env.BENCH_SLICES ?? 308);
const MBIT = 100;
const SCROLL_STEPS = 200;
const PATIENT = 'BENCH-CT';

const fixture = await cachedFixture(`imaging-ct${SLICES}`, 1, (dir) => buildBenchCtSeries(dir, SLICES));
benchLog('building the renderer');
await buildRenderer();
benchLog(`starting the HealthImaging stand-in (encoding ${SLICES} frames as lossless HTJ2K)`);
process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
const standIn = await HealthImagingStandIn.start({ dicomDirs: [fixture], bytesPerSecond: (MBIT * 1_000_000) / 8, tags: { [BENCH_CT_STUDY]: { patientId: PATIENT } } });
const host = await startTestHost();
host.services.settings.set('aws.healthImaging.endpoint', standIn.endpoint);
host.services.settings.set('aws.healthImaging.datastoreId', standIn.datastoreId);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => benchLog(`page error: ${error.message}`));
  await page.goto(host.host.launchUrl);
  await page.waitForSelector('[data-ready="worklist"]', { timeout: 120_000 });
  // Until the click, no frame reaches main: the thumbnail must not warm its cache. (Routing is set up
  // after the first load: with it in place from the start, the worklist never became ready.)
  let armed = false;
  await page.route(/\/binary\/frames\//, (route) => (armed ? route.continue() : route.abort()));
  await page.keyboard.press('Control+2');
  await page.waitForSelector('[data-ready="imaging-library"]');
  await page.click('role=tab[name="HealthImaging"]');
  await page.fill('input[name="patientId"]', PATIENT);
  await page.press('input[name="patientId"]', 'Enter');
  await page.click('[data-testid="search-results"] [role="option"]');
  const option = page.locator('[data-testid="series-list"] [role="option"]').first();
  await option.waitFor();

  // Timestamps in the page: the click, the first render, everything loaded.
  await page.evaluate(`(() => {
    window.benchMarks = {};
    document.addEventListener('click', () => { window.benchMarks.click ??= performance.now(); }, { capture: true });
    new MutationObserver(() => {
      const viewer = document.querySelector('[data-testid="ct-viewer"]');
      if (!viewer) return;
      const m = window.benchMarks;
      if (m.first === undefined && viewer.getAttribute('data-state') === 'ready') m.first = performance.now();
      if (m.all === undefined && viewer.getAttribute('data-loaded') === String(${SLICES})) m.all = performance.now();
      m.renderer = viewer.getAttribute('data-renderer');
    }).observe(document.body, { subtree: true, attributes: true, childList: true });
  })()`);
  armed = true;
  benchLog('opening the series');
  await option.click();
  await page.unroute(/\/binary\/frames\//);
  const progress = setInterval(() => {
    void page
      .evaluate(`[document.querySelector('[data-testid="ct-viewer"]')?.getAttribute('data-loaded'), document.querySelector('[data-testid="ct-viewer"]')?.getAttribute('data-failed'), JSON.stringify(window.benchMarks)]`)
      .then((p) => benchLog(`loaded, failed, marks: ${JSON.stringify(p)}`), () => undefined);
  }, 10_000);
  await page.waitForFunction(() => (window as unknown as { benchMarks: { all?: number } }).benchMarks.all !== undefined, undefined, { timeout: 300_000, polling: 100 });
  clearInterval(progress);
  const marks = (await page.evaluate('window.benchMarks')) as { click: number; first: number; all: number; renderer: string };
  const phases = (await page.evaluate(`performance.getEntriesByType('mark').filter((m) => m.name.startsWith('ct-viewer:')).map((m) => [m.name, m.startTime])`)) as [string, number][];
  benchLog(`phases after the click (ms): ${phases.map(([name, at]) => `${name} ${Math.round(at - marks.click)}`).join(', ')}, first image ${Math.round(marks.first - marks.click)}`);

  // Scroll: one keypress, then wait for that slice on screen and the next frame; 200 steps.
  benchLog('scrolling');
  const steps = (await page.evaluate(`(async () => {
    const viewer = document.querySelector('[data-testid="ct-viewer"]');
    const viewport = document.querySelector('[data-testid="ct-viewport"]');
    viewport.focus();
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const press = async (key) => {
      const before = viewer.getAttribute('data-shown-index');
      const started = performance.now();
      viewport.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      while (viewer.getAttribute('data-shown-index') === before) await frame();
      await frame();
      return performance.now() - started;
    };
    await press('Home');
    const times = [];
    for (let i = 0; i < ${SCROLL_STEPS}; i++) times.push(await press('ArrowDown'));
    const cached = await press('End');
    return { times, cached };
  })()`)) as { times: number[]; cached: number };

  const allSlicesMs = marks.all - marks.click;
  printResult({
    firstImageMs: round(marks.first - marks.click, 1),
    allSlicesMs: round(allSlicesMs, 0),
    nonProgressiveFirstImageMs: round(allSlicesMs + steps.cached, 0),
    scrollFrameP50Ms: round(percentile(steps.times, 50), 1),
    scrollFrameP95Ms: round(percentile(steps.times, 95), 1),
    renderer: marks.renderer,
    slices: SLICES,
  });
} finally {
  await browser.close();
  await host.cleanup();
  await standIn.close();
}
