import { randomBytes } from 'node:crypto';
import type { BinaryRequest, BinaryResponse } from '../binary/binaryRoutes.js';
import { CallError } from '../ipc/callError.js';
import type { Logger } from '../log/logger.js';
import type { FrameCache } from './frameCache.js';
import { FrameFetch, wholeFrameStream } from './frameFetch.js';
import type { EncodedFrame, ImageSource } from './imageSource.js';
import type { ImageSeries } from './seriesModel.js';

/**
 * Main's side of the frame pipeline. A series is opened once (source + model) and gets an opaque id;
 * frames are fetched encoded (credentials never leave main), kept in the encrypted disk cache, and
 * served to the renderer at `/binary/frames/<seriesId>/<index>`. Focusing a slice prefetches outward
 * from it with bounded concurrency; focusing another series cancels the previous prefetch.
 *
 * The first image is what the user waits for, so a frame fetched from the source streams straight
 * into the response as it arrives (the cache write follows once it is whole), a prefetch fetches the
 * focused slice alone before the rest share the link, and prefetching starts nothing new while the
 * renderer waits for a frame from the source.
 */
export interface FramePipelineOptions {
  readonly cache: FrameCache;
  readonly log: Logger;
  /** Fetches in flight for prefetching (on top of what the renderer asks for directly). */
  readonly prefetchConcurrency?: number;
}

interface OpenSeries {
  readonly id: string;
  readonly cacheScope: string;
  readonly source: ImageSource;
  readonly series: ImageSeries;
}

/** Outward from `center`: center, center+1, center-1, center+2, … within [0, count). */
export function outwardOrder(center: number, count: number): number[] {
  const order: number[] = [];
  const c = Math.min(Math.max(0, Math.trunc(center)), Math.max(0, count - 1));
  for (let step = 0; order.length < count; step++) {
    if (c + step < count) order.push(c + step);
    if (step > 0 && c - step >= 0) order.push(c - step);
  }
  return order;
}

export class FramePipeline {
  private readonly series = new Map<string, OpenSeries>();
  private readonly inFlight = new Map<string, Promise<FrameFetch>>();
  private prefetch: { seriesId: string; abort: AbortController; done: Promise<void> } | null = null;
  private readonly writes = new Set<Promise<void>>();
  /** Source fetches the renderer is waiting on: prefetch starts nothing new until they are in. */
  private readonly awaited = new Set<Promise<unknown>>();
  /** Counters for tests and the status view. */
  readonly stats = { sourceFetches: 0, cacheHits: 0, prefetched: 0, cancelled: 0 };

  constructor(private readonly options: FramePipelineOptions) {}

  /** Registers a series for streaming; `cacheScope` names the source (datastore, folder) in cache keys. */
  open(source: ImageSource, series: ImageSeries, cacheScope: string): string {
    for (const open of this.series.values()) {
      if (open.source === source && open.series.seriesInstanceUid === series.seriesInstanceUid) return open.id;
    }
    const id = randomBytes(12).toString('hex');
    this.series.set(id, { id, cacheScope, source, series });
    // The cache's key and index load now, not in front of the first frame.
    this.options.cache.warm().catch((error: unknown) => this.options.log.warn('imaging.cache_open_failed', { error: error as Error }));
    return id;
  }

  close(seriesId: string): void {
    if (this.prefetch?.seriesId === seriesId) this.cancelPrefetch();
    this.series.delete(seriesId);
  }

  /** The user looks at `index` of `seriesId`: prefetch outward from it; another series' prefetch stops. */
  focus(seriesId: string, index: number): Promise<void> {
    const open = this.require(seriesId);
    this.cancelPrefetch();
    const abort = new AbortController();
    const order = outwardOrder(index, open.series.frames.length);
    const concurrency = Math.max(1, this.options.prefetchConcurrency ?? 4);
    let next = 1;
    const worker = async (): Promise<void> => {
      while (next < order.length && !abort.signal.aborted) {
        while (this.awaited.size > 0) await Promise.allSettled([...this.awaited]);
        if (abort.signal.aborted || next >= order.length) return;
        const i = order[next++] as number;
        try {
          await this.frame(seriesId, i, abort.signal);
          this.stats.prefetched++;
        } catch (error) {
          if (abort.signal.aborted) return;
          this.options.log.warn('imaging.prefetch_failed', { error: error as Error });
        }
      }
    };
    // The focused slice is on screen: it gets the whole link, then the rest follow side by side.
    const focused = this.frame(seriesId, order[0] as number, abort.signal).then(
      () => void this.stats.prefetched++,
      (error: unknown) => {
        if (!abort.signal.aborted) this.options.log.warn('imaging.prefetch_failed', { error: error as Error });
      },
    );
    const done = focused.then(() => Promise.all(Array.from({ length: concurrency }, worker))).then(() => undefined);
    this.prefetch = { seriesId, abort, done };
    return done;
  }

  /**
   * Fetches one frame ahead of the renderer's ask (the slice a viewer opens at): only that one, so the
   * rest of the series does not compete with the first image; the viewer's focus starts the rest.
   */
  fetchAhead(seriesId: string, index: number): void {
    this.frame(seriesId, index).catch((error: unknown) => this.options.log.warn('imaging.prefetch_failed', { error: error as Error }));
  }

  cancelPrefetch(): void {
    if (!this.prefetch) return;
    this.prefetch.abort.abort();
    this.stats.cancelled++;
    this.prefetch = null;
  }

  /** One frame, from the cache or the source; concurrent asks for the same frame share one fetch. */
  async frame(seriesId: string, index: number, signal?: AbortSignal): Promise<EncodedFrame> {
    const found = await this.lookup(seriesId, index);
    if ('bytes' in found) return found;
    return untilAborted(found.whole, signal);
  }

  /** The `frames` binary route: `<seriesId>/<index>` → the encoded frame, described in headers. */
  async handle(request: BinaryRequest): Promise<BinaryResponse> {
    const match = /^([0-9a-f]{24})\/(\d{1,6})$/.exec(request.rest);
    if (!match) throw new CallError('not_found', 'Expected /binary/frames/<seriesId>/<index>');
    const seriesId = match[1] as string;
    const index = Number(match[2]);
    const open = this.require(seriesId);
    const found = await untilAborted(this.lookup(seriesId, index), request.signal);
    if (!('bytes' in found)) {
      // Someone is looking at this frame: it gets the link before more prefetching does.
      const arrived = found.whole.catch(() => undefined).finally(() => this.awaited.delete(arrived));
      this.awaited.add(arrived);
    }
    // A frame on its way from a streaming source goes into the response as it arrives; a frame that
    // is read whole (a file) is answered whole.
    const frame = 'bytes' in found || open.source.streamFrame ? found : await untilAborted(found.whole, request.signal);
    const f = open.series.format;
    return {
      body: 'bytes' in frame ? frame.bytes : frame.read(),
      contentType: 'application/octet-stream',
      headers: {
        'X-Frame-Encoding': frame.encoding,
        'X-Frame-Rows': String(f.rows),
        'X-Frame-Columns': String(f.columns),
        'X-Frame-Bits-Allocated': String(f.bitsAllocated),
        'X-Frame-Signed': f.pixelRepresentation === 1 ? '1' : '0',
        ...(frame.crc32 !== undefined ? { 'X-Frame-Crc32': (frame.crc32 >>> 0).toString(16).padStart(8, '0') } : {}),
      },
    };
  }

  /** The cached frame, or the fetch that is (or now starts) bringing it from the source. */
  private async lookup(seriesId: string, index: number): Promise<EncodedFrame | FrameFetch> {
    const open = this.require(seriesId);
    const frame = open.series.frames[index];
    if (!frame) throw new CallError('not_found', `No frame ${index} in this series`);
    const cacheKey = `${open.cacheScope}\u0000${frame.locator}`;
    const cached = await this.options.cache.get(cacheKey);
    if (cached) {
      this.stats.cacheHits++;
      return cached;
    }
    let pending = this.inFlight.get(cacheKey);
    if (!pending) {
      // The shared fetch is not tied to one caller's signal: another caller may still want it.
      pending = (async () => {
        this.stats.sourceFetches++;
        const { source, series } = open;
        const stream = source.streamFrame ? await source.streamFrame(series, frame) : wholeFrameStream(await source.readFrame(series, frame));
        return new FrameFetch(stream.crc32 === undefined && frame.crc32 !== undefined ? { ...stream, crc32: frame.crc32 } : stream);
      })();
      this.inFlight.set(cacheKey, pending);
      // The encrypted cache write follows once the frame is whole (never a partial one). Until it
      // lands, the in-flight entry keeps answering, so nothing is fetched twice.
      const write = pending
        .then((fetch) => fetch.whole)
        .then(
          (whole) => this.options.cache.put(cacheKey, whole).catch((error: unknown) => this.options.log.warn('imaging.cache_write_failed', { error: error as Error })),
          () => undefined,
        )
        .finally(() => {
          this.inFlight.delete(cacheKey);
          this.writes.delete(write);
        });
      this.writes.add(write);
    }
    return pending;
  }

  /** Resolves once every cache write started so far has landed. */
  async flush(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  dispose(): void {
    this.cancelPrefetch();
    this.series.clear();
  }

  private require(seriesId: string): OpenSeries {
    const open = this.series.get(seriesId);
    if (!open) throw new CallError('not_found', 'Unknown or closed series');
    return open;
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work itself goes on for others). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  signal?.throwIfAborted();
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
