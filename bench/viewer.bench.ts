/**
 * `npm run bench -- viewer`: the CT viewer in headless Chromium (software WebGL) against the real host,
 * opening a ≥300-slice 512×512 CT (bench/ctSeries.ts) from the HealthImaging stand-in over loopback
 * shaped to 100 Mbit/s, through the study browser's UI.
 *
 * Each open is cold: a fresh host (empty frame cache), a fresh browser and page, nothing in
 * cornerstone's cache. Before the click, the page has done what a radiologist's page has done by then:
 * the imaging workspace is open, and when it opened it loaded the viewer's code, initialised
 * cornerstone, created a rendering engine (its WebGL contexts) and started one decode worker, its codec
 * compiled and warmed on a built-in codestream, and a synthetic 512×512 slice rendered once in a hidden
 * viewport so its shaders are compiled (stackSession.ts, prepareViewer); the study was searched
 * and chosen (main holds its metadata). No frame has been fetched or decoded: the study browser's
 * thumbnail request for the middle slice is refused until the click so that it cannot warm main's
 * cache. No viewport, image or texture exists yet.
 *
 * - firstImageMs: from the click that opens the series to the first slice rendered.
 * - allSlicesMs: from the same click to every slice decoded and in the viewer's cache.
 * - nonProgressiveFirstImageMs: a second cold open (new host, browser and page) with progressive display
 *   off (`imaging.viewer.progressiveDisplay`: the viewer loads every slice, then renders): click to the
 *   first slice rendered.
 * - scrollFrameP50Ms / P95Ms: with the series loaded (first open), one slice step (a keypress) to that
 *   slice rendered, over 200 steps.
 *
 * The phases of each open go to stderr (User Timing marks `ct-viewer:*`, ms after the click).
 */
import type { Page } from 'playwright-core';
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

interface OpenMarks {
  readonly click: number;
  readonly first: number;
  readonly all: number;
  readonly renderer: string;
}

/** A cold open through the study browser; resolves once every slice is loaded, the page still open. */
async function openCold(progressive: boolean): Promise<{ page: Page; marks: OpenMarks; close: () => Promise<void> }> {
  const host = await startTestHost();
  host.services.settings.set('aws.healthImaging.endpoint', standIn.endpoint);
  host.services.settings.set('aws.healthImaging.datastoreId', standIn.datastoreId);
  host.services.settings.set('imaging.viewer.progressiveDisplay', progressive);
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    await host.cleanup();
  };
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
    // The viewer readied itself when the workspace opened (stackSession.ts, prepareViewer), as it has
    // by the time a radiologist has picked a study.
    await page.waitForFunction(() => performance.getEntriesByName('atrium:viewer-warmed-up').length > 0, undefined, { timeout: 60_000 });

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
    benchLog(`opening the series (progressive display ${progressive ? 'on' : 'off'})`);
    await option.click();
    await page.unroute(/\/binary\/frames\//);
    const progress = setInterval(() => {
      void page
        .evaluate(`[document.querySelector('[data-testid="ct-viewer"]')?.getAttribute('data-loaded'), document.querySelector('[data-testid="ct-viewer"]')?.getAttribute('data-failed'), JSON.stringify(window.benchMarks)]`)
        .then((p) => benchLog(`loaded, failed, marks: ${JSON.stringify(p)}`), () => undefined);
    }, 10_000);
    await page.waitForFunction(() => {
      const m = (window as unknown as { benchMarks: { all?: number; first?: number } }).benchMarks;
      return m.all !== undefined && m.first !== undefined;
    }, undefined, { timeout: 300_000, polling: 100 });
    clearInterval(progress);
    const marks = (await page.evaluate('window.benchMarks')) as OpenMarks;
    const phases = (await page.evaluate(`performance.getEntriesByType('mark').filter((m) => m.name.startsWith('ct-viewer:')).map((m) => [m.name, m.startTime])`)) as [string, number][];
    benchLog(`phases after the click (ms): ${phases.map(([name, at]) => `${name.slice('ct-viewer:'.length)} ${Math.round(at - marks.click)}`).join(', ')}, first image ${Math.round(marks.first - marks.click)}`);
    return { page, marks, close };
  } catch (error) {
    await close();
    throw error;
  }
}

try {
  const progressive = await openCold(true);
  let steps: { times: number[] };
  try {
    // Scroll: one keypress, then wait for that slice on screen and the next frame; 200 steps.
    benchLog('scrolling');
    steps = (await progressive.page.evaluate(`(async () => {
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
      return { times };
    })()`)) as { times: number[] };
  } finally {
    await progressive.close();
  }
  const baseline = await openCold(false);
  await baseline.close();

  const { marks } = progressive;
  printResult({
    firstImageMs: round(marks.first - marks.click, 1),
    allSlicesMs: round(marks.all - marks.click, 0),
    nonProgressiveFirstImageMs: round(baseline.marks.first - baseline.marks.click, 0),
    scrollFrameP50Ms: round(percentile(steps.times, 50), 1),
    scrollFrameP95Ms: round(percentile(steps.times, 95), 1),
    renderer: marks.renderer,
    slices: SLICES,
  });
} finally {
  await standIn.close();
}
