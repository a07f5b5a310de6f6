import type { WorklistCounts, WorklistListInput, WorklistPage } from '../../preload/contract.js';
import type { StoreErrorCode } from './storeErrors.js';

/** What the main thread asks the store's read worker, and what each answer carries. */
export type ReadRequest =
  | { readonly op: 'list'; readonly input: WorklistListInput; readonly now: number }
  | { readonly op: 'counts' }
  | { readonly op: 'search'; readonly query: string; readonly limit: number };

export type ReadResult<R extends ReadRequest> = R extends { op: 'list' } ? WorklistPage : R extends { op: 'counts' } ? Omit<WorklistCounts, 'readOnly' | 'readOnlyReason'> : string[];

/** The worker's start-up data. The key is not here: it comes as the first message (never argv, env or workerData). */
export interface ReadWorkerData {
  readonly file: string;
  readonly nativeBinding: string | null;
}

export type ToWorker = { readonly type: 'open'; readonly key: Uint8Array } | { readonly type: 'read'; readonly id: number; readonly request: ReadRequest };

export type FromWorker =
  | { readonly type: 'opened' }
  | { readonly type: 'open_failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };

export interface SerializedError {
  readonly code: StoreErrorCode | null;
  readonly message: string;
}
