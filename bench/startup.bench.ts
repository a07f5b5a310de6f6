/**
 * `npm run bench -- startup`: host start to first paint and to an interactive worklist in headless
 * Chromium, and the JS the page loaded to get there. The browser is already running with a blank tab
 * (as a user's is); each run starts a fresh host over a closed store holding the embedded demo (250
 * encounters), in a fresh browser context, so caches are cold.
 * Reports medians.
 */
import { readDemoPack } from '../main/demo/demoPack.js';
import { buildDemoEncounters } from '../main/demo/demoSeed.js';
import { buildRenderer } from '../scripts/build.mjs';
import { launchChromium } from '../test/support/browser.js';
import { startTestHost } from '../test/support/runningHost.js';
import { createTestServices } from '../test/support/testServices.js';
import { benchLog, percentile, printResult, round } from './harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

benchLog('building the renderer');
await buildRenderer();

/** A data folder holding the embedded demo (250 encounters), written once and closed before timing. */
async function seededDataDir(): Promise<string> {
  const seeding = createTestServices();
  const worklist = await seeding.services.worklist;
  worklist.ingest(buildDemoEncounters(readDemoPack(seeding.services.env.resourcesDir), { seed: 1, encounters: 250, todayMs: Date.now() }), { synthetic: true });
  await seeding.services.dispose();
  return seeding.dir;
}
const browser = await launchChromium();
const samples: { firstPaintMs: number; interactiveMs: number; initialJsBytes: number }[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dir = await seededDataDir();
    const startedAt = performance.timeOrigin + performance.now();
    // From here: the host starts, the store opens and unseals its key, the page loads its first worklist page.
    const fixture = await startTestHost({ dir });
    await page.goto(fixture.host.launchUrl);
    await page.waitForFunction(() => performance.getEntriesByName('atrium:interactive').length > 0);
    const timing = await page.evaluate(() => {
      const interactive = performance.getEntriesByName('atrium:interactive')[0]?.startTime ?? Number.NaN;
      const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
      const js = performance
        .getEntriesByType('resource')
        .filter((e) => (e as PerformanceResourceTiming).initiatorType === 'script' || e.name.endsWith('.js'))
        .filter((e) => e.startTime <= interactive)
        .reduce((sum, e) => sum + (e as PerformanceResourceTiming).decodedBodySize, 0);
      return { origin: performance.timeOrigin, interactive, paint, js };
    });
    samples.push({
      firstPaintMs: timing.origin + timing.paint - startedAt,
      interactiveMs: timing.origin + timing.interactive - startedAt,
      initialJsBytes: timing.js,
    });
    benchLog(`run ${i + 1}/${RUNS}: paint ${round(samples.at(-1)!.firstPaintMs)} ms, interactive ${round(samples.at(-1)!.interactiveMs)} ms`);
    await context.close();
    await fixture.cleanup();
  }
} finally {
  await browser.close();
}
const median = (values: number[]) => percentile(values.filter(Number.isFinite), 50);
printResult({
  firstPaintMs: round(median(samples.map((s) => s.firstPaintMs)), 1),
  interactiveMs: round(median(samples.map((s) => s.interactiveMs)), 1),
  initialJsBytes: median(samples.map((s) => s.initialJsBytes)),
  runs: RUNS,
  budget: { interactiveMs: 1000, initialJsBytes: 1_000_000 },
});
