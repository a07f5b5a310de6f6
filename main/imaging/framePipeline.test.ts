import { MedicalImagingClient } from '@aws-sdk/client-medical-imaging';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResourcesDir } from '../app/paths.js';
import { AwsClientFactory } from '../aws/awsClientFactory.js';
import { BinaryRoutes } from '../binary/binaryRoutes.js';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { HealthImagingStandIn } from '../../test/standins/healthimaging/healthImagingStandIn.js';
import { createTestServices } from '../../test/support/testServices.js';
import { tempDir } from '../../test/support/tempDir.js';
import { crc32 } from './crc32.js';
import { DicomFolderSource } from './dicomFolder.js';
import { FrameCache } from './frameCache.js';
import { FramePipeline, outwardOrder } from './framePipeline.js';
import { HealthImagingSource } from './healthImagingSource.js';
import { decodeHtj2k } from './htj2kCodec.js';

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const principal = { kind: 'local', id: 'test', displayName: 'Test' } as const;

describe('frame cache', () => {
  it('stores frames encrypted, treats tampered or swapped entries as misses, and evicts least recently used beyond its budget', async () => {
    const dir = tempDir('atrium-cache-');
    const sealer = new FileKeySealer(tempDir('atrium-sealer-'));
    const cache = new FrameCache({ dir, sealer, maxBytes: 3 * 1100 });
    const frame = (n: number) => ({ encoding: 'raw' as const, bytes: new Uint8Array(1000).fill(n), crc32: n });
    await cache.put('a', frame(1));
    await cache.put('b', frame(2));
    expect(await cache.get('a')).toEqual(frame(1));
    // Nothing readable on disk: no run of the plaintext byte.
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.frame'))) {
      expect(readFileSync(join(dir, name)).includes(Buffer.alloc(64, 2))).toBe(false);
    }
    await cache.put('c', frame(3));
    await cache.put('d', frame(4)); // over budget: 'b' is the least recently used
    expect(await cache.has('b')).toBe(false);
    expect(await cache.get('a')).toEqual(frame(1));
    expect(await cache.size()).toBeLessThanOrEqual(3 * 1100);

    const files = readdirSync(dir).filter((n) => n.endsWith('.frame'));
    const [x, y] = files as [string, string];
    const bytesX = readFileSync(join(dir, x));
    writeFileSync(join(dir, x), readFileSync(join(dir, y))); // swapped content under another name
    const reopened = new FrameCache({ dir, sealer, maxBytes: 3 * 1100 });
    const results = await Promise.all(['a', 'c', 'd'].map((k) => reopened.get(k)));
    expect(results.filter((r) => r === null)).toHaveLength(1);
    writeFileSync(join(dir, x), bytesX);

    // Another machine's key (a different sealer) cannot read the entries: the cache starts over.
    const foreign = new FrameCache({ dir, sealer: new FileKeySealer(tempDir('atrium-sealer-')), maxBytes: 3 * 1100 });
    expect(await foreign.get('a')).toBeNull();
  });
});

describe('frame pipeline', () => {
  let standIn: HealthImagingStandIn;
  beforeAll(async () => {
    standIn = await HealthImagingStandIn.start({ dicomDirs: [CT_DIR], latencyMs: 15 });
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('orders prefetch outward from the current slice', () => {
    expect(outwardOrder(2, 6)).toEqual([2, 3, 1, 4, 0, 5]);
    expect(outwardOrder(0, 3)).toEqual([0, 1, 2]);
    expect(outwardOrder(9, 3)).toEqual([2, 1, 0]);
  });

  it('prefetches a HealthImaging series into the cache, cancels it on a series switch, and streams frames over the binary route', async () => {
    const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDX', secretAccessKey: 's' }) });
    const client = factory.create(MedicalImagingClient, { endpoint: standIn.endpoint, disableHostPrefix: true });
    const remote = new HealthImagingSource({ client, datastoreId: standIn.datastoreId, imageSetIds: [standIn.imageSets[0]!.imageSetId] });
    const remoteSeries = (await remote.studies()).studies[0]!.series[0]!;
    const local = new DicomFolderSource(CT_DIR);
    const localSeries = (await local.studies()).studies[0]!.series[0]!;

    const cache = new FrameCache({ dir: tempDir('atrium-fc-'), sealer: new FileKeySealer(tempDir('atrium-sealer-')), maxBytes: 64 * 1024 * 1024 });
    const pipeline = new FramePipeline({ cache, log: createMemoryLogger(), prefetchConcurrency: 3 });
    const remoteId = pipeline.open(remote, remoteSeries, `ahi:${standIn.datastoreId}`);
    const localId = pipeline.open(local, localSeries, `folder:${CT_DIR}`);

    // Start on the remote series, then switch before it can finish (28 frames × 15 ms / 3 in flight).
    const first = pipeline.focus(remoteId, 14);
    while (!standIn.calls.some((c) => c.operation === 'GetImageFrame')) await new Promise((resolve) => setTimeout(resolve, 5));
    await pipeline.focus(localId, 0);
    await first;
    await pipeline.flush();
    expect(pipeline.stats.cancelled).toBe(1);
    const remoteFetched = standIn.calls.filter((c) => c.operation === 'GetImageFrame').length;
    expect(remoteFetched).toBeGreaterThan(0);
    expect(remoteFetched).toBeLessThan(28);
    // The nearest slices came first.
    const cachedNear = await cache.has(`ahi:${standIn.datastoreId}\u0000${remoteSeries.frames[14]!.locator}`);
    expect(cachedNear).toBe(true);

    // Finish the remote series; every frame is fetched once, then served from the cache.
    await pipeline.focus(remoteId, 0);
    expect(standIn.calls.filter((c) => c.operation === 'GetImageFrame').length).toBe(28);
    await pipeline.focus(remoteId, 27);
    expect(standIn.calls.filter((c) => c.operation === 'GetImageFrame').length).toBe(28);

    const routes = new BinaryRoutes();
    routes.register('frames', (request) => pipeline.handle(request));
    const context = { origin: 'http://127.0.0.1', frameUrl: 'http://127.0.0.1/', principal };
    const response = await routes.handle(`/binary/frames/${remoteId}/5`, new URLSearchParams(), context as never, new AbortController().signal);
    expect(response.headers).toMatchObject({ 'X-Frame-Encoding': 'htj2k', 'X-Frame-Rows': '512', 'X-Frame-Columns': '512', 'X-Frame-Signed': '0' });
    const pixels = (await decodeHtj2k(response.body as Uint8Array)).pixels;
    expect(response.headers?.['X-Frame-Crc32']).toBe(crc32(pixels).toString(16).padStart(8, '0'));
    const original = (await local.readFrame(localSeries, localSeries.frames[5]!)).bytes;
    expect(Buffer.compare(Buffer.from(pixels), Buffer.from(original))).toBe(0);

    await expect(routes.handle(`/binary/frames/${remoteId}/99`, new URLSearchParams(), context as never, new AbortController().signal)).rejects.toMatchObject({ code: 'not_found' });
    await expect(routes.handle('/binary/frames/../../etc/passwd', new URLSearchParams(), context as never, new AbortController().signal)).rejects.toMatchObject({ code: 'not_found' });
    pipeline.dispose();
  });

  /** A pipeline on the stand-in's series behind a frames route; `breakAfter` holds the next frame mid-way. */
  async function remotePipeline(scope: string, prefetchConcurrency?: number) {
    const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDX', secretAccessKey: 's' }) });
    const client = factory.create(MedicalImagingClient, { endpoint: standIn.endpoint, disableHostPrefix: true });
    const remote = new HealthImagingSource({ client, datastoreId: standIn.datastoreId, imageSetIds: [standIn.imageSets[0]!.imageSetId] });
    const remoteSeries = (await remote.studies()).studies[0]!.series[0]!;
    const cache = new FrameCache({ dir: tempDir('atrium-fc-'), sealer: new FileKeySealer(tempDir('atrium-sealer-')), maxBytes: 64 * 1024 * 1024 });
    const pipeline = new FramePipeline({ cache, log: createMemoryLogger(), ...(prefetchConcurrency ? { prefetchConcurrency } : {}) });
    const id = pipeline.open(remote, remoteSeries, scope);
    const routes = new BinaryRoutes();
    routes.register('frames', (request) => pipeline.handle(request));
    const context = { origin: 'http://127.0.0.1', frameUrl: 'http://127.0.0.1/', principal };
    let settle: (what: 'go on' | 'cut') => void = () => undefined;
    return {
      cache,
      pipeline,
      id,
      get: (index: number) => routes.handle(`/binary/frames/${id}/${index}`, new URLSearchParams(), context as never, new AbortController().signal),
      keyOf: (index: number) => `${scope}\u0000${remoteSeries.frames[index]!.locator}`,
      breakAfter: (afterBytes: number) => standIn.breakNextFrame({ afterBytes, then: new Promise((resolve) => (settle = resolve)) }),
      settle: (what: 'go on' | 'cut') => settle(what),
    };
  }

  it('streams a HealthImaging frame into the route response as it arrives; a transfer cut mid-frame is a clear error and is never cached', async () => {
    const { cache, pipeline, id, get, keyOf, breakAfter, settle } = await remotePipeline('ahi:streaming');
    const local = new DicomFolderSource(CT_DIR);
    const localSeries = (await local.studies()).studies[0]!.series[0]!;
    const originalPixels = async (index: number) => Buffer.from((await local.readFrame(localSeries, localSeries.frames[index]!)).bytes);

    // The stand-in holds the frame after 1000 bytes: the response must already be flowing.
    breakAfter(1000);
    const held = await get(3);
    expect(held.body).not.toBeInstanceOf(Uint8Array);
    const reader = (held.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBeGreaterThan(0);
    expect(first.value!.length).toBeLessThanOrEqual(1000);
    expect(await cache.has(keyOf(3))).toBe(false);
    settle('go on');
    const chunks = [first.value!];
    for (let next = await reader.next(); !next.done; next = await reader.next()) chunks.push(next.value);
    expect(Buffer.compare(Buffer.from((await decodeHtj2k(Buffer.concat(chunks))).pixels), await originalPixels(3))).toBe(0);
    await pipeline.flush();
    expect(await cache.has(keyOf(3))).toBe(true);

    // Cut for good after 5000 bytes: the reader gets a clear error and the cache gets nothing.
    breakAfter(5000);
    const cut = (await get(4)).body as AsyncIterable<Uint8Array>;
    let received = 0;
    const readAll = async () => {
      for await (const chunk of cut) {
        received += chunk.length;
        if (received === 5000) settle('cut');
      }
    };
    await expect(readAll()).rejects.toThrow(/broke off after 5000 bytes/);
    await pipeline.flush();
    expect(await cache.has(keyOf(4))).toBe(false);
    // Asking again fetches it again, whole.
    const again = await pipeline.frame(id, 4);
    expect(Buffer.compare(Buffer.from((await decodeHtj2k(again.bytes)).pixels), await originalPixels(4))).toBe(0);
    pipeline.dispose();
  });

  it('starts no new prefetch while the renderer waits for a frame from the source', async () => {
    const { pipeline, id, get, breakAfter, settle } = await remotePipeline('ahi:priority', 3);
    const frameCalls = () => standIn.calls.filter((c) => c.operation === 'GetImageFrame').length;
    const start = frameCalls();
    breakAfter(1000);
    const shown = await get(20);
    const prefetch = pipeline.focus(id, 5);
    await pipeline.frame(id, 5);
    // Give prefetch every chance to start more; it must not while slice 20 is still on its way.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(frameCalls() - start).toBe(2);
    settle('go on');
    for await (const chunk of shown.body as AsyncIterable<Uint8Array>) void chunk;
    await prefetch;
    expect(frameCalls() - start).toBe(28);
    pipeline.dispose();
  });

  it('is wired into the composition root: the frames route serves an opened series from an encrypted cache under the user data folder', async () => {
    const t = createTestServices();
    try {
      const local = new DicomFolderSource(CT_DIR);
      const series = (await local.studies()).studies[0]!.series[0]!;
      const id = t.services.imagingFrames.open(local, series, `folder:${CT_DIR}`);
      const context = { origin: 'http://127.0.0.1', frameUrl: 'http://127.0.0.1/', principal };
      const response = await t.services.binaryRoutes.handle(`/binary/frames/${id}/0`, new URLSearchParams(), context as never, new AbortController().signal);
      expect(response.headers?.['X-Frame-Encoding']).toBe('raw');
      expect(Buffer.compare(Buffer.from(response.body as Uint8Array), Buffer.from((await local.readFrame(series, series.frames[0]!)).bytes))).toBe(0);
      await t.services.imagingFrames.flush();
      expect(readdirSync(join(t.dir, 'imaging', 'frame-cache')).filter((n) => n.endsWith('.frame'))).toHaveLength(1);
    } finally {
      await t.cleanup();
    }
  });
});
