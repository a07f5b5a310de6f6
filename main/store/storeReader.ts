import { Worker } from 'node:worker_threads';
import { StoreError } from './storeErrors.js';
import type { FromWorker, ReadRequest, ReadResult, ReadWorkerData, SerializedError, ToWorker } from './storeReadProtocol.js';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

function revive(error: SerializedError): Error {
  return error.code ? new StoreError(error.code, error.message) : new Error(error.message);
}

/**
 * Starts one of the store's worker threads (storeReadWorkerImpl.ts) and hands it the store key over
 * the message channel, never through argv, the environment or workerData.
 */
export function startStoreWorker(workerData: ReadWorkerData, key: Buffer): Worker {
  const worker = new Worker(new URL('./storeReadWorker.mjs', import.meta.url), { workerData });
  const bytes = new Uint8Array(key);
  const open: ToWorker = { type: 'open', key: bytes };
  // A copy, transferred: its bytes leave this thread's heap with the message.
  worker.postMessage(open, [bytes.buffer]);
  return worker;
}

/**
 * The main thread's side of the store's read worker (storeReadWorkerImpl.ts). It loads the same native
 * SQLite build as the writer (the Electron-ABI one in the app).
 */
export class StoreReader {
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private exited: Error | null = null;
  private closing = false;
  /** Resolves once the worker's connection is open and keyed; rejects with the store's own error. */
  readonly ready: Promise<void>;
  /** True once `ready` has resolved. */
  opened = false;

  private constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve, reject) => {
      const onOpen = (m: FromWorker) => {
        if (m.type === 'opened') resolve();
        else if (m.type === 'open_failed') reject(revive(m.error));
        else return;
        worker.off('message', onOpen);
      };
      worker.on('message', onOpen);
      worker.once('error', reject);
    });
    // Reads in flight (and the opening) keep the process alive; an idle reader does not. A failed
    // start reaches callers on their first read, never as an unhandled rejection.
    this.ready.then(
      () => {
        this.opened = true;
        this.unrefWhenIdle();
      },
      () => this.unrefWhenIdle(),
    );
    worker.on('message', (m: FromWorker) => {
      if (m.type !== 'result' && m.type !== 'error') return;
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'result') waiting?.resolve(m.result);
      else waiting?.reject(revive(m.error));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new StoreError('busy', 'The store reader stopped.')));
  }

  static start(options: { file: string; key: Buffer; nativeBinding?: string }): StoreReader {
    return new StoreReader(startStoreWorker({ role: 'reader', file: options.file, nativeBinding: options.nativeBinding ?? null }, options.key));
  }

  async read<R extends ReadRequest>(request: R): Promise<ReadResult<R>> {
    await this.ready;
    if (this.exited) throw this.exited;
    const id = this.next++;
    const message: ToWorker = { type: 'read', id, request };
    return new Promise<ReadResult<R>>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(result as ReadResult<R>), reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(message);
    }).finally(() => this.unrefWhenIdle());
  }

  private unrefWhenIdle(): void {
    if (this.pending.size === 0 && !this.closing) this.worker.unref();
  }

  async close(): Promise<void> {
    // terminate() keeps the process alive until the worker has exited, unless a read that settles
    // meanwhile unrefs the worker again: then the process could exit with the caller still waiting.
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
