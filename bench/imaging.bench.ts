/**
 * `npm run bench -- imaging`: the frame pipeline end to end, measured in headless Chromium's web
 * workers. A ≥300-slice 512×512 16-bit CT series (generated from the bundled phantom) is served by
 * the HealthImaging stand-in (lossless HTJ2K) over loopback shaped to 100 Mbit/s; main's pipeline
 * (real SDK, encrypted frame cache, /binary/frames route) feeds a bench page whose decode pool runs
 * in module workers.
 *
 * - firstFrameMs / fullSeriesMs: cold (empty cache, workers not started: the clock starts before the
 *   pool is created and its first worker and codec start), the middle slice fetched and decoded first;
 *   then the rest outward from it, 6 requests in flight, decoded by the pool as they arrive. The rest
 *   start once the first frame is decoded, as in the viewer (its prefetcher starts once the first
 *   slice is loaded), so nothing competes with the first frame for the link or the CPU.
 *   firstFrameMedianMs / firstFrameMinMs / firstFrameMaxMs: 10 more cold first frames, each in a new
 *   browser context (its own renderer process: no WebAssembly compiled, nothing cached), after the
 *   page has loaded and sat 300 ms. One cold sample swings by 2× on a 2-core machine (the fetch,
 *   the worker's start and its first decode all compete for the cores), the median of ten much less.
 * - sequentialFullSeriesMs: the baseline in the same run: fetch, then decode, one frame at a time,
 *   one worker, cold cache.
 * - decodeFramesPerSecOneWorker / decodeFramesPerSecPool: decode throughput on frames already in
 *   memory, warmed workers.
 */
import { MedicalImagingClient } from '@aws-sdk/client-medical-imaging';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { AwsClientFactory } from '../main/aws/awsClientFactory.js';
import { BinaryRoutes } from '../main/binary/binaryRoutes.js';
import { FrameCache } from '../main/imaging/frameCache.js';
import { FramePipeline } from '../main/imaging/framePipeline.js';
import { HealthImagingSource } from '../main/imaging/healthImagingSource.js';
import type { ImageSource } from '../main/imaging/imageSource.js';
import type { ImageSeries } from '../main/imaging/seriesModel.js';
import { createMemoryLogger } from '../main/log/logger.js';
import { FileKeySealer } from '../main/security/secretSealer.js';
import { HealthImagingStandIn } from '../test/standins/healthimaging/healthImagingStandIn.js';
import { buildScriptPage } from '../test/support/scriptPage.js';
import { buildBenchCtSeries } from './ctSeries.js';
import { benchLog, cachedFixture, percentile, printResult, round } from './harness.js';

const SLICES = Number(process.env.BENCH_SLICES ?? 308);
/** Cold first frames measured again, each in a fresh browser context (see the header). */
const COLD_RUNS = 10;
const MBIT = 100;

const PAGE_SCRIPT = (poolPath: string) => `
import { DecodePool } from ${JSON.stringify(poolPath)};

function outward(center, count) {
  const order = [];
  for (let step = 0; order.length < count; step++) {
    if (center + step < count) order.push(center + step);
    if (step > 0 && center - step >= 0) order.push(center - step);
  }
  return order;
}

const now = () => performance.timeOrigin + performance.now();
// Epoch-ms marks of the first frame's way through the page, for the phase log on stderr.
const marks = {};

async function fetchFrame(seriesId, index, mark) {
  if (mark) marks.request = now();
  const response = await fetch('/binary/frames/' + seriesId + '/' + index);
  if (!response.ok) throw new Error('frame ' + index + ': HTTP ' + response.status);
  if (mark) marks.headers = now();
  const crc = response.headers.get('x-frame-crc32');
  const bytes = await response.arrayBuffer();
  if (mark) marks.body = now();
  return { bytes, encoding: response.headers.get('x-frame-encoding'), crc32: crc ? parseInt(crc, 16) : undefined };
}

async function reset() {
  return (await fetch('/reset', { method: 'POST' })).json();
}

function job(info, frame, bytes) {
  return { encoding: frame.encoding, bytes, rows: info.rows, columns: info.columns, bitsAllocated: 16, signed: info.signed, crc32: frame.crc32 };
}

async function throughput(poolSize, frames, info) {
  const pool = new DecodePool(poolSize);
  await Promise.all(frames.slice(0, poolSize * 2).map((f) => pool.decode(job(info, f, f.bytes.slice(0)))));
  const copies = frames.map((f) => f.bytes.slice(0));
  const started = performance.now();
  await Promise.all(frames.map((f, i) => pool.decode(job(info, f, copies[i]))));
  const seconds = (performance.now() - started) / 1000;
  pool.dispose();
  return frames.length / seconds;
}

/** The middle slice, cold: the clock starts before the pool is created and its first worker and codec start. */
async function coldFirstFrame(info) {
  const started = performance.now();
  const pool = new DecodePool();
  pool.warm();
  marks.start = now();
  const first = await fetchFrame(info.seriesId, info.slices >> 1, true);
  marks.bytes = first.bytes.byteLength;
  const firstFetchMs = performance.now() - started;
  const decoded = await pool.decode(job(info, first, first.bytes));
  const firstFrameMs = performance.now() - started;
  marks.decoded = now();
  marks.decodeMs = decoded.decodeMs;
  return { pool, started, firstFrameMs, firstFetchMs, crcChecked: decoded.crcChecked };
}

window.runColdFirstFrame = async () => {
  const { pool, firstFrameMs } = await coldFirstFrame(await reset());
  pool.dispose();
  return firstFrameMs;
};

window.runBench = async () => {
  // Cold, pipelined: the first frame is the middle slice; the rest arrive nearest first, 6 in flight,
  // once it is decoded.
  let info = await reset();
  const { pool, started, firstFrameMs, firstFetchMs, crcChecked: firstChecked } = await coldFirstFrame(info);
  const order = outward(info.slices >> 1, info.slices);
  let next = 1;
  const decodes = [];
  let crcChecked = firstChecked ? 1 : 0;
  const fetcher = async () => {
    while (next < order.length) {
      const index = order[next++];
      const frame = await fetchFrame(info.seriesId, index);
      decodes.push(pool.decode(job(info, frame, frame.bytes)).then((d) => {
        if (d.crcChecked) crcChecked++;
        (marks.laterDecodeMs ??= []).push(Math.round(d.decodeMs));
      }));
    }
  };
  await Promise.all(Array.from({ length: 6 }, fetcher));
  await Promise.all(decodes);
  const fullSeriesMs = performance.now() - started;
  marks.worker = pool.startups[0];
  pool.dispose();

  // Baseline: fetch then decode, one frame at a time, one worker, cold cache.
  info = await reset();
  const single = new DecodePool(1);
  const kept = [];
  const seqStarted = performance.now();
  for (const index of order) {
    const frame = await fetchFrame(info.seriesId, index);
    kept.push({ ...frame, bytes: frame.bytes.slice(0) });
    await single.decode(job(info, frame, frame.bytes));
  }
  const sequentialFullSeriesMs = performance.now() - seqStarted;
  single.dispose();

  const poolSize = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  const decodeFramesPerSecOneWorker = await throughput(1, kept, info);
  const decodeFramesPerSecPool = await throughput(poolSize, kept, info);
  return { decodeFramesPerSecOneWorker, decodeFramesPerSecPool, firstFrameMs, fullSeriesMs, sequentialFullSeriesMs, slices: info.slices, poolSize, crcChecked, firstFetchMs, marks };
};
`;

interface PageMarks {
  readonly request?: number;
  readonly headers?: number;
  readonly body?: number;
  readonly decoded?: number;
  readonly decodeMs?: number;
  readonly bytes?: number;
  readonly laterDecodeMs?: readonly number[];
  readonly worker?: { readonly startedAt: number; readonly readyAt: number };
}

interface BenchResult {
  readonly decodeFramesPerSecOneWorker: number;
  readonly decodeFramesPerSecPool: number;
  readonly firstFrameMs: number;
  readonly firstFetchMs: number;
  readonly fullSeriesMs: number;
  readonly sequentialFullSeriesMs: number;
  readonly slices: number;
  readonly poolSize: number;
  readonly crcChecked: number;
  readonly marks: PageMarks;
}

/** The first frame's way, each step as ms since the page asked for it (epoch clocks of page, worker and main). */
function phaseLine(page: PageMarks, main: Record<string, number>): string {
  const t0 = page.request ?? NaN;
  const at = (label: string, time: number | undefined): string => `${label} ${round((time ?? NaN) - t0, 1)}`;
  return [
    at('main got the request', main.requested),
    at('source call', main.sourceCall),
    at('source headers', main.sourceHeaders),
    at('response headers', main.responseHeaders),
    at('page headers', page.headers),
    at('main response end', main.responseEnd),
    at('page body', page.body),
    at('worker script', page.worker?.startedAt),
    at('worker warm-up done', page.worker?.readyAt),
    at('decoded', page.decoded),
    `(decode itself ${round(page.decodeMs ?? NaN, 1)}; the next decodes ${page.laterDecodeMs?.slice(0, 6).join(', ')})`,
  ].join(', ');
}

/**
 * One more cold first frame in a new browser context: its own renderer process, so no WebAssembly
 * compiled and nothing cached by the runs before. The page is left a moment after it loads, as the
 * station's is long before a series opens.
 */
async function coldFirstFrameInFreshContext(browser: Browser, origin: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof (window as unknown as { runColdFirstFrame?: unknown }).runColdFirstFrame === 'function');
    await new Promise((resolve) => setTimeout(resolve, 300));
    return await page.evaluate(() => (window as unknown as { runColdFirstFrame: () => Promise<number> }).runColdFirstFrame());
  } finally {
    await context.close();
  }
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

async function main(): Promise<void> {
  const fixture = await cachedFixture(`imaging-ct${SLICES}`, 1, (dir) => buildBenchCtSeries(dir, SLICES));
  const scratch = mkdtempSync(join(tmpdir(), 'atrium-bench-imaging-'));
  try {
    benchLog(`starting the HealthImaging stand-in (encoding ${SLICES} frames as lossless HTJ2K)`);
    const standIn = await HealthImagingStandIn.start({ dicomDirs: [fixture], bytesPerSecond: (MBIT * 1_000_000) / 8 });
    const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' }) });
    const client = factory.create(MedicalImagingClient, { endpoint: standIn.endpoint, disableHostPrefix: true });
    const source = new HealthImagingSource({ client, datastoreId: standIn.datastoreId, imageSetIds: [standIn.imageSets[0]!.imageSetId] });
    const series: ImageSeries = (await source.studies()).studies[0]!.series[0]!;
    const sealer = new FileKeySealer(join(scratch, 'sealer'));
    // The app's sealer has its key long before a series opens (the store needs it at start-up).
    await sealer.seal(new Uint8Array(1));
    let routes = new BinaryRoutes();
    let resets = 0;
    // Epoch-ms marks of the first frame request after a reset on main's side, for the phase log.
    const runMarks: Record<string, number>[] = [];
    let mainMarks: Record<string, number> = {};
    const mark = (name: string): void => {
      mainMarks[name] ??= performance.timeOrigin + performance.now();
    };
    const traced: ImageSource = {
      kind: source.kind,
      studies: (signal) => source.studies(signal),
      readFrame: (s, f, signal) => source.readFrame(s, f, signal),
      streamFrame: async (s, f, signal) => {
        mark('sourceCall');
        const stream = await source.streamFrame(s, f, signal);
        mark('sourceHeaders');
        return stream;
      },
    };
    const reset = (): { seriesId: string } => {
      const cache = new FrameCache({ dir: join(scratch, `cache-${resets++}`), sealer, maxBytes: 1024 * 1024 * 1024 });
      const pipeline = new FramePipeline({ cache, log: createMemoryLogger() });
      routes = new BinaryRoutes();
      routes.register('frames', (request) => pipeline.handle(request));
      mainMarks = {};
      runMarks.push(mainMarks);
      return { seriesId: pipeline.open(traced, series, `ahi:${standIn.datastoreId}`) };
    };

    benchLog('building the bench page with Vite');
    const outDir = join(scratch, 'dist');
    await buildScriptPage(PAGE_SCRIPT(join(SOURCE_ROOT, 'renderer/features/imaging/decode/decodePool.ts')), outDir);

    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        try {
          if (url.pathname === '/reset') {
            const { seriesId } = reset();
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ seriesId, slices: series.frames.length, rows: series.format.rows, columns: series.format.columns, signed: series.format.pixelRepresentation === 1 }));
            return;
          }
          if (url.pathname.startsWith('/binary/')) {
            // Served the way main/host serves the binary route: a streamed body is written as it comes.
            const first = mainMarks.requested === undefined;
            if (first) mark('requested');
            const abort = new AbortController();
            res.on('close', () => abort.abort());
            const context = { origin: 'http://127.0.0.1', frameUrl: 'http://127.0.0.1/', principal: { kind: 'local', id: 'bench', displayName: 'Bench' } };
            const result = await routes.handle(url.pathname, url.searchParams, context as never, abort.signal);
            res.writeHead(200, { 'content-type': result.contentType, ...result.headers });
            if (first) mark('responseHeaders');
            if (result.body instanceof Uint8Array) res.end(result.body);
            else {
              for await (const chunk of result.body) {
                if (abort.signal.aborted) return;
                if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
              }
              res.end();
            }
            if (first) mark('responseEnd');
            return;
          }
          const path = normalize(join(outDir, url.pathname === '/' ? 'index.html' : url.pathname));
          if (!path.startsWith(outDir)) throw new Error('outside');
          const body = readFileSync(path);
          res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
          res.end(body);
        } catch (error) {
          res.writeHead(404);
          res.end(String(error));
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--headless'],
    });
    try {
      const page = await browser.newPage();
      page.on('pageerror', (error) => benchLog(`page error: ${error.message}`));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => typeof (window as unknown as { runBench?: unknown }).runBench === 'function');
      benchLog('running in Chromium');
      const result = await page.evaluate(() => (window as unknown as { runBench: () => Promise<BenchResult> }).runBench());
      benchLog(`pool of ${result.poolSize} workers; ${result.crcChecked} frames CRC-checked in the pipelined run; first frame fetched after ${round(result.firstFetchMs ?? NaN, 1)} ms`);
      const wireMs = ((result.marks.bytes ?? NaN) * 8 * 1000) / (MBIT * 1_000_000);
      benchLog(`first frame: ${result.marks.bytes} bytes of HTJ2K, ${round(wireMs, 1)} ms on the wire at ${MBIT} Mbit/s`);
      benchLog(`first frame phases (ms since the page asked for it): ${phaseLine(result.marks, runMarks[0] ?? {})}`);
      const coldRuns: number[] = [];
      for (let run = 0; run < COLD_RUNS; run++) coldRuns.push(await coldFirstFrameInFreshContext(browser, origin));
      coldRuns.sort((a, b) => a - b);
      benchLog(`cold first frames in fresh contexts (ms): ${coldRuns.map((ms) => round(ms, 0)).join(', ')}`);
      printResult({
        decodeFramesPerSecOneWorker: round(result.decodeFramesPerSecOneWorker ?? NaN, 1),
        decodeFramesPerSecPool: round(result.decodeFramesPerSecPool ?? NaN, 1),
        firstFrameMs: round(result.firstFrameMs ?? NaN, 1),
        firstFrameMedianMs: round(percentile(coldRuns, 50), 1),
        firstFrameMinMs: round(coldRuns[0] ?? NaN, 1),
        firstFrameMaxMs: round(coldRuns.at(-1) ?? NaN, 1),
        fullSeriesMs: round(result.fullSeriesMs ?? NaN, 0),
        sequentialFullSeriesMs: round(result.sequentialFullSeriesMs ?? NaN, 0),
        slices: result.slices,
      });
    } finally {
      await browser.close();
      server.closeAllConnections();
      server.close();
      await standIn.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
