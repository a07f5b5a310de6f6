import { MedicalImagingClient } from '@aws-sdk/client-medical-imaging';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ROOT, sourceResourcesDir } from '../../main/app/paths.js';
import { AwsClientFactory } from '../../main/aws/awsClientFactory.js';
import { createHandlerRegistry } from '../../main/handlers.js';
import { startHost, type RunningHost } from '../../main/host/hostServer.js';
import { DicomFolderSource } from '../../main/imaging/dicomFolder.js';
import { HealthImagingSource } from '../../main/imaging/healthImagingSource.js';
import type { ImageSeries } from '../../main/imaging/seriesModel.js';
import { HealthImagingStandIn } from '../standins/healthimaging/healthImagingStandIn.js';
import { launchChromium } from '../support/browser.js';
import { buildScriptPage } from '../support/scriptPage.js';
import { tempDir } from '../support/tempDir.js';
import { createTestServices, type TestServices } from '../support/testServices.js';

/**
 * The decode pool in real Chromium: a page served by the real host fetches HTJ2K frames that main
 * got from the HealthImaging stand-in (real SDK) through the host's binary route, and decodes them
 * in the pool's module workers. Pixels are compared by SHA-256 with the demo CT's own files.
 */
const CT_DIR = join(sourceResourcesDir(), 'demo-ct');

const PAGE_SCRIPT = `
import { DecodePool } from ${JSON.stringify(join(SOURCE_ROOT, 'renderer/features/imaging/decode/decodePool.ts'))};

async function sha256(pixels) {
  const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchFrame(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
  const h = (name) => response.headers.get(name);
  return {
    encoding: h('x-frame-encoding'),
    bytes: await response.arrayBuffer(),
    rows: Number(h('x-frame-rows')),
    columns: Number(h('x-frame-columns')),
    bitsAllocated: Number(h('x-frame-bits-allocated')),
    signed: h('x-frame-signed') === '1',
    crc32: h('x-frame-crc32') ? parseInt(h('x-frame-crc32'), 16) : undefined,
  };
}

window.decodeFrames = async (prefix, indices, wrongCrcAt) => {
  const pool = new DecodePool(2);
  pool.warm();
  const results = await Promise.all(indices.map(async (index) => {
    const frame = await fetchFrame(prefix + index);
    const crc32 = index === wrongCrcAt ? (frame.crc32 ^ 1) >>> 0 : frame.crc32;
    try {
      const decoded = await pool.decode({ ...frame, crc32 });
      return { index, sha256: await sha256(decoded.pixels), type: decoded.pixels.constructor.name, crcChecked: decoded.crcChecked };
    } catch (error) {
      return { index, error: error.message };
    }
  }));
  const startups = pool.startups.map((s) => s.sharedModule);
  pool.dispose();
  return { results, startups };
};

window.workerStarts = async (url) => {
  const frame = await fetchFrame(url);
  const pool = new DecodePool(2);
  pool.warm();
  while (pool.startups.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const whenFirstReady = pool.workers;
  await pool.decode(frame);
  const afterFirstFrame = pool.workers;
  pool.dispose();
  return { whenFirstReady, afterFirstFrame };
};

window.cancelQueued = async (url) => {
  const frame = await fetchFrame(url);
  const pool = new DecodePool(1);
  const abort = new AbortController();
  const outcomes = Array.from({ length: 8 }, () => pool.decode({ ...frame, bytes: frame.bytes.slice(0) }, abort.signal).then(() => 'decoded', (error) => error.name));
  abort.abort();
  const settled = await Promise.all(outcomes);
  const after = await pool.decode(frame);
  const result = { settled, afterwards: await sha256(after.pixels) };
  pool.dispose();
  return result;
};
`;

describe('the decode pool in Chromium, on frames from the host binary route', () => {
  let browser: Browser;
  let services: TestServices;
  let host: RunningHost;
  let standIn: HealthImagingStandIn;
  let page: Page;
  let prefix: string;
  let local: { source: DicomFolderSource; series: ImageSeries };

  beforeAll(async () => {
    const pageDir = join(tempDir('atrium-decode-page-'), 'dist');
    await buildScriptPage(PAGE_SCRIPT, pageDir);
    standIn = await HealthImagingStandIn.start({ dicomDirs: [CT_DIR] });
    services = createTestServices();
    host = await startHost({ services: services.services, registry: createHandlerRegistry(services.services), rendererDir: pageDir });

    const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' }) });
    const client = factory.create(MedicalImagingClient, { endpoint: standIn.endpoint, disableHostPrefix: true });
    const remote = new HealthImagingSource({ client, datastoreId: standIn.datastoreId, imageSetIds: [standIn.imageSets[0]!.imageSetId] });
    const series = (await remote.studies()).studies[0]!.series[0]!;
    prefix = `/binary/frames/${services.services.imagingFrames.open(remote, series, `ahi:${standIn.datastoreId}`)}/`;
    const folder = new DicomFolderSource(CT_DIR);
    local = { source: folder, series: (await folder.studies()).studies[0]!.series[0]! };

    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(host.launchUrl);
    await page.waitForFunction(() => typeof (window as unknown as { decodeFrames?: unknown }).decodeFrames === 'function');
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await services?.cleanup();
    await standIn?.close();
  });

  async function referenceSha256(index: number): Promise<string> {
    const raw = await local.source.readFrame(local.series, local.series.frames[index]!);
    return createHash('sha256').update(raw.bytes).digest('hex');
  }

  it('decodes HTJ2K frames bit for bit in module workers, and reports a CRC-32 mismatch as that frame’s error', async () => {
    type Result = { index: number; sha256?: string; type?: string; crcChecked?: boolean; error?: string };
    type Run = { results: Result[]; startups: boolean[] };
    const { results, startups } = await page.evaluate(
      ([p, indices, wrong]) => (window as unknown as { decodeFrames: (p: string, i: readonly number[], w: number) => Promise<Run> }).decodeFrames(p, indices, wrong),
      [prefix, [0, 5, 13, 27], 5] as const,
    );
    // Workers start on the module the pool compiled once (how many started by now depends on speed).
    expect(startups.length).toBeGreaterThan(0);
    expect(startups.every((shared) => shared)).toBe(true);
    for (const result of results) {
      if (result.index === 5) {
        expect(result.error).toMatch(/CRC-32 mismatch/);
        continue;
      }
      expect(result).toMatchObject({ type: 'Uint16Array', crcChecked: true, sha256: await referenceSha256(result.index) });
    }
  });

  it('warms one worker, and starts the next only once the first frame is decoded', async () => {
    const starts = await page.evaluate(
      (url) => (window as unknown as { workerStarts: (u: string) => Promise<{ whenFirstReady: number; afterFirstFrame: number }> }).workerStarts(url),
      `${prefix}3`,
    );
    expect(starts).toEqual({ whenFirstReady: 1, afterFirstFrame: 2 });
  });

  it('cancels queued decodes with an AbortSignal and keeps working afterwards', async () => {
    const outcome = await page.evaluate(
      (url) => (window as unknown as { cancelQueued: (u: string) => Promise<{ settled: string[]; afterwards: string }> }).cancelQueued(url),
      `${prefix}7`,
    );
    expect(outcome.settled).toEqual(Array.from({ length: 8 }, () => 'AbortError'));
    expect(outcome.afterwards).toBe(await referenceSha256(7));
  });
});
