import wasmUrl from '@cornerstonejs/codec-openjph/wasm?url';
import type { DecodeRequest, DecodeResponse, Rescale, WarmRequest } from './protocol.js';

/**
 * A pool of module workers decoding frames off the main thread (one per core by default). Workers
 * start on first use; queued work can be cancelled with an AbortSignal; results are Int16Array or
 * Uint16Array (Uint8Array for 8-bit data) of the stored values, or Float32Array of the rescaled
 * values when the frame asks for a rescale.
 *
 * Cold start is what the first image waits for, so: the codec's WebAssembly is compiled once here
 * (streaming, while the first worker's script loads) and the compiled module is handed to every
 * worker, which only instantiates it; workers start one at a time; and the second one starts only
 * once the first frame is decoded, so on a small machine nothing starting beside it slows that
 * frame down.
 */
export interface FrameToDecode {
  readonly encoding: 'raw' | 'htj2k';
  readonly bytes: ArrayBuffer;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: 8 | 16;
  readonly signed: boolean;
  readonly crc32?: number;
  /** Rescale in the worker: the pixels come back as Float32 stored × slope + intercept, with their range. */
  readonly rescale?: Rescale;
}

export type DecodedPixels = Int16Array | Uint16Array | Uint8Array | Int8Array | Float32Array;

export interface DecodedFrame {
  readonly pixels: DecodedPixels;
  readonly decodeMs: number;
  readonly crcChecked: boolean;
  /** The rescaled values' range (only with `rescale`). */
  readonly range?: { readonly min: number; readonly max: number };
}

interface Job {
  readonly request: Omit<DecodeRequest, 'id'>;
  readonly resolve: (frame: DecodedFrame) => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

interface Slot {
  readonly worker: Worker;
  busy: { id: number; job: Job } | null;
  /** Until the worker has its codec; only one worker starts at a time. */
  starting: boolean;
}

/** When a worker's script started and its warm-up ended (epoch ms), for profiling start-up. */
export interface WorkerStartup {
  readonly startedAt: number;
  /** The codec warmed up; after the first real frame when that arrived during the warm-up (it ends it). */
  readonly readyAt: number;
  /** Whether the worker instantiated the module the pool compiled, rather than compiling its own. */
  readonly sharedModule: boolean;
}

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => new Worker(new URL('./decodeWorker.ts', import.meta.url), { type: 'module' });

export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private disposed = false;
  private warming = false;
  /** Whether any decode has finished: until then only one worker runs (see the class comment). */
  private firstDecoded = false;
  private codecModule: Promise<WebAssembly.Module | undefined> | undefined;
  readonly size: number;
  /** One entry per worker that has finished starting, in the order they did. */
  readonly startups: WorkerStartup[] = [];

  constructor(size = Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 2)), private readonly createWorker: WorkerFactory = defaultFactory) {
    this.size = Math.max(1, Math.trunc(size));
  }

  /** Workers started so far (ready or starting). */
  get workers(): number {
    return this.slots.length;
  }

  decode(frame: FrameToDecode, signal?: AbortSignal): Promise<DecodedFrame> {
    if (this.disposed) return Promise.reject(new Error('The decode pool is closed'));
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise<DecodedFrame>((resolve, reject) => {
      const job: Job = {
        request: frame,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const queued = this.queue.indexOf(job);
          if (queued >= 0) this.queue.splice(queued, 1);
          reject(abortError());
        },
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * Starts a worker and readies the codec now (e.g. when the imaging workspace opens), before frames
   * arrive; the other workers follow once the first frame is decoded.
   */
  warm(): void {
    if (this.disposed) return;
    this.warming = true;
    this.startNextWorker();
  }

  /** Drops queued work (e.g. on a series switch); frames already decoding finish and are discarded. */
  clearQueue(): void {
    for (const job of this.queue.splice(0)) {
      job.signal?.removeEventListener('abort', job.onAbort);
      job.reject(abortError());
    }
  }

  dispose(): void {
    this.disposed = true;
    this.clearQueue();
    for (const slot of this.slots.splice(0)) {
      slot.worker.terminate();
      if (slot.busy) slot.busy.job.reject(new Error('The decode pool is closed'));
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.busy === null);
      if (!slot && this.canStartWorker()) slot = this.start();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      const id = this.nextId++;
      slot.busy = { id, job };
      const request: DecodeRequest = { ...job.request, id };
      slot.worker.postMessage(request, [request.bytes]);
    }
  }

  private startNextWorker(): void {
    if (this.canStartWorker()) this.start();
  }

  private canStartWorker(): boolean {
    return this.slots.length < this.size && !this.slots.some((s) => s.starting) && (this.firstDecoded || this.slots.length === 0);
  }

  private start(): Slot {
    const slot: Slot = { worker: this.createWorker(), busy: null, starting: true };
    slot.worker.onmessage = (event: MessageEvent<DecodeResponse>) => this.finish(slot, event.data);
    slot.worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      const busy = slot.busy;
      slot.busy = null;
      slot.starting = false;
      busy?.job.reject(new Error(event.message || 'The decode worker failed'));
      this.pump();
    };
    this.slots.push(slot);
    // Decodes posted before this message arrive after it: messages to a worker keep their order,
    // and the worker's HTJ2K decodes wait for the module.
    void this.compiledCodec().then((module) => {
      const warm: WarmRequest = { id: 0, warm: true, ...(module ? { module } : {}) };
      if (!this.disposed) slot.worker.postMessage(warm);
    });
    return slot;
  }

  /** The codec compiled once for every worker; undefined if it cannot be, and workers load it themselves. */
  private compiledCodec(): Promise<WebAssembly.Module | undefined> {
    this.codecModule ??= WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => undefined);
    return this.codecModule;
  }

  private finish(slot: Slot, response: DecodeResponse): void {
    if (response.warm) {
      slot.starting = false;
      if (response.ok) this.startups.push({ startedAt: response.startedAt, readyAt: response.readyAt, sharedModule: response.sharedModule });
      if (this.warming) this.startNextWorker();
      this.pump();
      return;
    }
    const busy = slot.busy;
    slot.busy = null;
    if (!this.firstDecoded) {
      this.firstDecoded = true;
      if (this.warming) this.startNextWorker();
    }
    if (busy && busy.id === response.id) {
      const { job } = busy;
      job.signal?.removeEventListener('abort', job.onAbort);
      if (job.signal?.aborted) {
        // Already rejected by onAbort.
      } else if (response.ok) {
        const pixels = job.request.rescale ? new Float32Array(response.pixels) : typedPixels(response.pixels, job.request.bitsAllocated, job.request.signed);
        job.resolve({ pixels, decodeMs: response.decodeMs, crcChecked: response.crcChecked, ...(response.range ? { range: response.range } : {}) });
      } else job.reject(new Error(response.error));
    }
    this.pump();
  }
}

function typedPixels(buffer: ArrayBuffer, bitsAllocated: 8 | 16, signed: boolean): DecodedPixels {
  if (bitsAllocated === 16) return signed ? new Int16Array(buffer) : new Uint16Array(buffer);
  return signed ? new Int8Array(buffer) : new Uint8Array(buffer);
}

function abortError(): Error {
  const error = new Error('Decoding was cancelled');
  error.name = 'AbortError';
  return error;
}
