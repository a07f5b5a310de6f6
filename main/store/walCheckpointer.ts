import type { Worker } from 'node:worker_threads';
import { StoreError } from './storeErrors.js';
import { CHECKPOINT_IDLE, CHECKPOINT_RUNNING, CHECKPOINT_STOPPED, type CheckpointProgress, type FromWorker } from './storeReadProtocol.js';
import { startStoreWorker } from './storeReader.js';

/**
 * Moves WAL checkpoints off the commit path. By default SQLite checkpoints inside the commit that
 * takes the WAL past 1,000 pages: on the 100k-encounter bench store one claim or submit in ~20 then
 * copied ~1,000 pages into the database file and flushed it, the whole tail of claim+submit latency.
 * Here a worker thread runs PASSIVE checkpoints on its own connection every `everyMs`, while the
 * writer keeps its own automatic checkpoint only as a far backstop (`WAL_BACKSTOP_PAGES`), which bounds
 * the WAL if the worker falls behind or stops; by then the worker has copied nearly every frame, so
 * even the backstop copies little. The worker also grows the WAL file to this many frames once, so
 * commits overwrite it rather than extend it (walPreallocation.ts). It runs at the lowest CPU priority
 * (threadPriority.ts), so a pass never keeps the main thread waiting for a core after its fsync.
 */
export const WAL_BACKSTOP_PAGES = 8192;
/**
 * A WAL grown past this (one huge transaction, an import) is cut back to it when the log restarts.
 * Above the backstop's ~33 MiB on purpose, so the file the worker grew to that size is kept: a log
 * restarted within its file overwrites it, and on the dev machine's ext4 disk an fdatasync after an
 * overwrite was faster than after a write that grew the file (p50 0.9 and 2.9 ms against 2.4 and
 * 3.3 ms in two runs under load).
 */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** How often the app's checkpointer looks at the WAL; a look with nothing to copy does no I/O. */
export const BACKGROUND_CHECKPOINT_EVERY_MS = 100;
const STOP_WAIT_MS = 5000;

export class WalCheckpointer {
  private readonly state = new SharedArrayBuffer(4);
  private readonly worker: Worker;
  /** The latest background checkpoint that copied something (tests and the bench read it). */
  lastCheckpoint: CheckpointProgress | null = null;
  checkpoints = 0;
  /** The latest error from the worker (opening its connection or a checkpoint); null while all is well. */
  lastError: StoreError | Error | null = null;

  constructor(options: { file: string; key: Buffer; nativeBinding?: string; everyMs: number }) {
    this.worker = startStoreWorker(
      { role: 'checkpointer', file: options.file, nativeBinding: options.nativeBinding ?? null, everyMs: options.everyMs, walWorkingFrames: WAL_BACKSTOP_PAGES, state: this.state },
      options.key,
    );
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'checkpointed') {
        this.lastCheckpoint = m.progress;
        this.checkpoints++;
      } else if (m.type === 'checkpoint_failed' || m.type === 'open_failed') {
        this.lastError = m.error.code ? new StoreError(m.error.code, m.error.message) : new Error(m.error.message);
      }
    });
    this.worker.on('error', (error) => (this.lastError = error));
    // Housekeeping never keeps the process alive.
    this.worker.unref();
  }

  /**
   * Stops the loop between checkpoints: one in progress is waited for (it takes milliseconds), so the
   * caller's TRUNCATE checkpoint right after does not find the checkpoint lock taken.
   */
  stop(): void {
    const state = new Int32Array(this.state);
    const deadline = performance.now() + STOP_WAIT_MS;
    while (Atomics.compareExchange(state, 0, CHECKPOINT_IDLE, CHECKPOINT_STOPPED) === CHECKPOINT_RUNNING && performance.now() < deadline) {
      Atomics.wait(state, 0, CHECKPOINT_RUNNING, STOP_WAIT_MS);
    }
    void this.worker.terminate();
  }
}
