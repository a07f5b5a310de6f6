import { randomBytes } from 'node:crypto';
import type { BinaryRequest, BinaryResponse } from '../binary/binaryRoutes.js';
import { CallError } from '../ipc/callError.js';
import type { Logger } from '../log/logger.js';
import type { FrameCache } from './frameCache.js';
import type { EncodedFrame, ImageSource } from './imageSource.js';
import type { ImageSeries } from './seriesModel.js';

/**
 * Main's side of the frame pipeline. A series is opened once (source + model) and gets an opaque id;
 * frames are fetched encoded (credentials never leave main), kept in the encrypted disk cache, and
 * served to the renderer at `/binary/frames/<seriesId>/<index>`. Focusing a slice prefetches outward
 * from it with bounded concurrency; focusing another series cancels the previous prefetch.
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
  private readonly inFlight = new Map<string, Promise<EncodedFrame>>();
  private prefetch: { seriesId: string; abort: AbortController; done: Promise<void> } | null = null;
  private readonly writes = new Set<Promise<void>>();
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
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < order.length && !abort.signal.aborted) {
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
    const done = Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
    this.prefetch = { seriesId, abort, done };
    return done;
  }

  cancelPrefetch(): void {
    if (!this.prefetch) return;
    this.prefetch.abort.abort();
    this.stats.cancelled++;
    this.prefetch = null;
  }

  /** One frame, from the cache or the source; concurrent asks for the same frame share one fetch. */
  async frame(seriesId: string, index: number, signal?: AbortSignal): Promise<EncodedFrame> {
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
        const fetched = await open.source.readFrame(open.series, frame);
        return frame.crc32 !== undefined && fetched.crc32 === undefined ? { ...fetched, crc32: frame.crc32 } : fetched;
      })();
      this.inFlight.set(cacheKey, pending);
      // The frame goes to the renderer at once; the encrypted cache write follows. Until it lands, the
      // in-flight entry keeps answering, so nothing is fetched twice.
      const write = pending
        .then(
          (fetched) => this.options.cache.put(cacheKey, fetched).catch((error: unknown) => this.options.log.warn('imaging.cache_write_failed', { error: error as Error })),
          () => undefined,
        )
        .finally(() => {
          this.inFlight.delete(cacheKey);
          this.writes.delete(write);
        });
      this.writes.add(write);
    }
    signal?.throwIfAborted();
    if (!signal) return pending;
    return new Promise<EncodedFrame>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** The `frames` binary route: `<seriesId>/<index>` → the encoded frame, described in headers. */
  async handle(request: BinaryRequest): Promise<BinaryResponse> {
    const match = /^([0-9a-f]{24})\/(\d{1,6})$/.exec(request.rest);
    if (!match) throw new CallError('not_found', 'Expected /binary/frames/<seriesId>/<index>');
    const seriesId = match[1] as string;
    const index = Number(match[2]);
    const open = this.require(seriesId);
    const frame = await this.frame(seriesId, index, request.signal);
    const f = open.series.format;
    return {
      body: frame.bytes,
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
