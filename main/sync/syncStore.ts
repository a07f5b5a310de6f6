import type { Change, OutboundMutation, RawChange } from '../warehouse/warehouse.js';

/**
 * What the sync engine needs from the offline store. The store's outbox keeps a monotonic sequence,
 * the client mutation id, kind, payload, attempts, last error and an acked flag; dead letters and
 * cursors sit beside it. Methods are synchronous: the store is SQLite in this process.
 */
export interface OutboxEntry extends OutboundMutation {
  readonly attempts: number;
}

export interface Quarantined {
  readonly seq: number;
  readonly error: string;
  readonly raw: RawChange;
}

export interface ApplyResult {
  /** Changes that altered local state (a version newer than the one held). */
  readonly applied: number;
  /** Changes already held at that version or newer: re-applying is a no-op. */
  readonly skipped: number;
}

export interface SyncStore {
  /** Mutations not yet acknowledged by the warehouse and not in dead letters. */
  pendingCount(): number;
  deadLetterCount(): number;
  /** Server changes that landed under a coder's draft and wait for the coder's decision. */
  serverConflictCount(): number;
  /** The oldest pending mutations after outbox seq `afterSeq` (a batch still in flight), in outbox order. */
  nextBatch(limit: number, afterSeq?: number): OutboxEntry[];
  markAcked(clientMutationIds: readonly string[]): void;
  recordFailure(clientMutationIds: readonly string[], error: string): void;
  /** Moves a mutation out of the outbox into dead letters, in one transaction. */
  deadLetter(entry: OutboxEntry, reason: string, detail: string): void;
  cursor(stream: string): number;
  /** Applies a page of changes, records the quarantined ones and stores the cursor, in one transaction. */
  applyPulled(stream: string, changes: readonly Change[], quarantined: readonly Quarantined[], cursor: number): ApplyResult;
}
