import type { WorklistCounts, WorklistListInput, WorklistPage } from '../../preload/contract.js';
import type { StoreErrorCode } from './storeErrors.js';

/** What the main thread asks the store's read worker, and what each answer carries. */
export type ReadRequest =
  | { readonly op: 'list'; readonly input: WorklistListInput; readonly now: number }
  | { readonly op: 'counts' }
  | { readonly op: 'search'; readonly query: string; readonly limit: number }
  /** `VACUUM INTO target`: a consistent, still-encrypted copy, written without stalling the main thread. */
  | { readonly op: 'backup'; readonly target: string };

interface ReadResults {
  list: WorklistPage;
  counts: Omit<WorklistCounts, 'readOnly' | 'readOnlyReason'>;
  search: string[];
  backup: null;
}
export type ReadResult<R extends ReadRequest> = ReadResults[R['op']];

/**
 * A store worker thread's start-up data. The key is not here: it comes as the first message (never
 * argv, env or workerData). A `reader` answers reads on a read-only connection; a `checkpointer` copies
 * the WAL into the database file in the background (see walCheckpointer.ts).
 */
export type ReadWorkerData =
  | { readonly role: 'reader'; readonly file: string; readonly nativeBinding: string | null }
  | {
      readonly role: 'checkpointer';
      readonly file: string;
      readonly nativeBinding: string | null;
      readonly everyMs: number;
      /** The WAL file is grown toward room for this many frames (see walPreallocation.ts). */
      readonly walWorkingFrames: number;
      /** One Int32: CHECKPOINT_IDLE, CHECKPOINT_RUNNING or CHECKPOINT_STOPPED, shared with the main thread. */
      readonly state: SharedArrayBuffer;
    };

export const CHECKPOINT_IDLE = 0;
export const CHECKPOINT_RUNNING = 1;
export const CHECKPOINT_STOPPED = 2;

export type ToWorker = { readonly type: 'open'; readonly key: Uint8Array } | { readonly type: 'read'; readonly id: number; readonly request: ReadRequest };

export type FromWorker =
  | { readonly type: 'opened' }
  | { readonly type: 'open_failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'checkpointed'; readonly progress: CheckpointProgress }
  | { readonly type: 'checkpoint_failed'; readonly error: SerializedError };

/** One background checkpoint: WAL frames in the log, and how many of them are now in the database file. */
export interface CheckpointProgress {
  readonly walFrames: number;
  readonly backfilledFrames: number;
  readonly ms: number;
}

export interface SerializedError {
  readonly code: StoreErrorCode | null;
  readonly message: string;
}
