import type { Logger } from '../log/logger.js';
import { backoffDelay } from './backoff.js';
import { parseChange, WarehouseError, type Change, type Warehouse } from '../warehouse/warehouse.js';
import type { OutboxEntry, Quarantined, SyncStore } from './syncStore.js';

export type SyncState = 'idle' | 'syncing' | 'backoff' | 'offline';

export interface SyncProgress {
  readonly phase: 'push' | 'pull';
  readonly items: number;
  /** Known for push (the pending count at the start); null for pull. */
  readonly total: number | null;
  readonly bytes: number;
  readonly etaMs: number | null;
}

export interface SyncStatus {
  readonly state: SyncState;
  readonly online: boolean;
  readonly pending: number;
  readonly deadLetters: number;
  readonly serverConflicts: number;
  readonly progress: SyncProgress | null;
  readonly lastSyncAt: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: number | null;
  readonly consecutiveFailures: number;
  /** Suggestions for pulled encounters, computed after the sync (see PulledSuggestions). */
  readonly suggesting: { readonly done: number; readonly total: number } | null;
}

export interface SyncReport {
  readonly ok: boolean;
  readonly pushed: number;
  readonly deadLettered: number;
  readonly pulled: number;
  readonly applied: number;
  readonly quarantined: number;
  readonly batches: number;
  readonly pages: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface SyncEngineOptions {
  readonly store: SyncStore;
  /** The warehouse, built on first use (opening Snowflake is slow and may need a sign-in). */
  readonly warehouse: () => Warehouse | Promise<Warehouse>;
  readonly log: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly batchSize?: number;
  readonly pageSize?: number;
  /** Wait after a local write before syncing, so a burst of edits goes in one push. */
  readonly debounceMs?: number;
  /** Regular sync while idle. */
  readonly periodMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly onChange?: (status: SyncStatus) => void;
  /**
   * After a sync that went through: hands work the warehouse acknowledged on to other systems (the
   * `ImageVerified` events). It keeps its own retry state per item, so its failure is logged and does
   * not fail the sync or hold back the coder's pull.
   */
  readonly afterSync?: () => Promise<unknown>;
  /** Where the background suggestions for pulled encounters stand, shown with the sync status. */
  readonly suggesting?: () => SyncStatus['suggesting'];
}

const STREAM = 'worklist';
/** Runs kept for the history view. */
const HISTORY = 100;

export interface SyncRun {
  readonly at: number;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly pushed: number;
  readonly pulled: number;
  readonly deadLettered: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly error: string | null;
}

/**
 * Push drains the outbox in order, in batches; a batch the warehouse refuses outright is split until
 * the refused mutation stands alone and goes to dead letters, so one bad row never blocks the queue.
 * Pull applies `seq > cursor` pages, storing the cursor in the same transaction as the rows.
 */
export class SyncEngine {
  private state: SyncState = 'idle';
  private online = true;
  private progress: SyncProgress | null = null;
  private lastSyncAt: number | null = null;
  private lastError: string | null = null;
  private nextAttemptAt: number | null = null;
  private failures = 0;
  private running: Promise<SyncReport> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly runs: SyncRun[] = [];

  constructor(private readonly o: SyncEngineOptions) {
    this.now = o.now ?? Date.now;
    this.random = o.random ?? Math.random;
  }

  status(): SyncStatus {
    return {
      state: this.state,
      online: this.online,
      pending: this.o.store.pendingCount(),
      deadLetters: this.o.store.deadLetterCount(),
      serverConflicts: this.o.store.serverConflictCount(),
      progress: this.progress,
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt,
      consecutiveFailures: this.failures,
      suggesting: this.o.suggesting?.() ?? null,
    };
  }

  /** The latest runs, oldest first (since this engine started). */
  history(): SyncRun[] {
    return [...this.runs];
  }

  /** Starts the timer-driven schedule: the first sync after `firstSyncDelayMs`, then every period. */
  start(firstSyncDelayMs = 0): void {
    this.started = true;
    this.schedule(firstSyncDelayMs);
  }

  stop(): void {
    this.started = false;
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    this.timer = undefined;
    this.debounce = undefined;
  }

  /** Connectivity changed (the OS's online/offline events). Coming back online syncs at once. */
  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (!online) {
      clearTimeout(this.timer);
      this.nextAttemptAt = null;
      if (this.state !== 'syncing') this.state = 'offline';
    } else {
      this.failures = 0;
      if (this.state === 'offline') this.state = 'idle';
      if (this.started) this.schedule(0);
    }
    this.emit();
  }

  /** A local write landed in the outbox: sync shortly, once the burst is over. */
  notifyLocalWrite(): void {
    this.emit();
    if (!this.started || !this.online) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.syncInBackground();
    }, this.o.debounceMs ?? 1500);
    this.debounce.unref?.();
  }

  /** "Sync now": while a sync runs, queues one more after it and resolves when that one is done. */
  syncNow(): Promise<SyncReport> {
    if (this.running) {
      this.again = true;
      // The caller asked after the running sync read the outbox: answer with the run queued behind it.
      return this.running.then((report) => this.running ?? report);
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.syncInBackground();
      }
    });
    return this.running;
  }

  private async runOnce(): Promise<SyncReport> {
    const started = this.now();
    clearTimeout(this.timer);
    this.nextAttemptAt = null;
    this.state = 'syncing';
    this.emit();
    const t = { pushed: 0, deadLettered: 0, pulled: 0, applied: 0, quarantined: 0, batches: 0, pages: 0, bytesUp: 0, bytesDown: 0 };
    let error: string | null = null;
    try {
      const warehouse = await this.o.warehouse();
      await this.push(warehouse, t);
      await this.pull(warehouse, t);
      await this.afterSync();
      this.failures = 0;
      this.lastSyncAt = this.now();
      this.lastError = null;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      this.failures++;
      this.lastError = error;
      this.o.log.warn('sync.failed', { error: e as Error, failures: this.failures });
    } finally {
      this.progress = null;
    }
    const durationMs = this.now() - started;
    if (error) {
      this.state = this.online ? 'backoff' : 'offline';
      if (this.online) this.schedule(this.backoffDelay());
    } else {
      this.state = this.online ? 'idle' : 'offline';
      if (this.started && this.online) this.schedule(this.o.periodMs ?? 60_000);
    }
    this.o.log.info('sync.done', { ok: !error, pushed: t.pushed, pulled: t.pulled, batches: t.batches, durationMs });
    this.runs.push({ at: started, ok: !error, durationMs, pushed: t.pushed, pulled: t.pulled, deadLettered: t.deadLettered, bytesUp: t.bytesUp, bytesDown: t.bytesDown, error });
    if (this.runs.length > HISTORY) this.runs.shift();
    this.emit();
    return { ok: !error, ...t, durationMs, error };
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
  backoffDelay(): number {
    return backoffDelay(this.failures, this.o.backoffBaseMs ?? 2_000, this.o.backoffMaxMs ?? 5 * 60_000, this.random);
  }

  private async afterSync(): Promise<void> {
    try {
      await this.o.afterSync?.();
    } catch (e) {
      this.o.log.warn('sync.after_sync_failed', { error: e as Error });
    }
  }

  /** A sync nobody awaits (timer, debounce, the run queued behind another): failures are logged, never unhandled. */
  private syncInBackground(): void {
    this.syncNow().catch((e: unknown) => this.o.log.warn('sync.background_failed', { error: e as Error }));
  }

  private schedule(delayMs: number): void {
    if (!this.started || !this.online) return;
    clearTimeout(this.timer);
    this.nextAttemptAt = this.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.syncInBackground();
    }, delayMs);
    this.timer.unref?.();
  }

  private async push(warehouse: Warehouse, t: { pushed: number; deadLettered: number; batches: number; bytesUp: number }): Promise<void> {
    const total = this.o.store.pendingCount();
    if (total === 0) return;
    const size = Math.max(1, Math.min(this.o.batchSize ?? 1000, warehouse.maxBatch));
    const began = this.now();
    let done = 0;
    let batch = this.o.store.nextBatch(size);
    while (batch.length > 0) {
      const sending = this.pushBatch(warehouse, batch, t);
      // Read the next batch while this one is on the wire; every row of this one ends acked or dead-lettered.
      const next = this.o.store.nextBatch(size, (batch.at(-1) as OutboxEntry).clientSeq);
      await sending;
      done += batch.length;
      const elapsed = this.now() - began;
      const rate = elapsed > 0 ? done / elapsed : 0;
      this.progress = { phase: 'push', items: done, total, bytes: t.bytesUp, etaMs: rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : null };
      this.emit();
      batch = next;
    }
  }

  private async pushBatch(warehouse: Warehouse, batch: readonly OutboxEntry[], t: { pushed: number; deadLettered: number; batches: number; bytesUp: number }): Promise<void> {
    let result;
    try {
      t.batches++;
      result = await warehouse.push(batch);
    } catch (e) {
      const error = e instanceof WarehouseError ? e : new WarehouseError(e instanceof Error ? e.message : String(e), 'transient');
      if (error.kind === 'rejected') {
        if (batch.length === 1) {
          const only = batch[0] as OutboxEntry;
          this.o.store.deadLetter(only, 'rejected_by_warehouse', error.message);
          t.deadLettered++;
          this.o.log.warn('sync.dead_letter', { kind: only.kind, reason: 'rejected_by_warehouse', code: error.code });
          return;
        }
        // Split until the refused mutation stands alone; the others go through.
        const mid = Math.ceil(batch.length / 2);
        await this.pushBatch(warehouse, batch.slice(0, mid), t);
        await this.pushBatch(warehouse, batch.slice(mid), t);
        return;
      }
      this.o.store.recordFailure(
        batch.map((m) => m.clientMutationId),
        error.message,
      );
      throw error;
    }
    t.bytesUp += result.bytes;
    const byId = new Map(batch.map((m) => [m.clientMutationId, m]));
    const acked: string[] = [];
    for (const outcome of result.outcomes) {
      const entry = byId.get(outcome.clientMutationId);
      if (!entry) continue;
      if (outcome.status === 'accepted') acked.push(outcome.clientMutationId);
      else {
        // Claimed by another coder, voided, not assigned: the coder sees it in the conflict view.
        this.o.store.deadLetter(entry, outcome.reason, `the warehouse rejected this ${entry.kind}: ${outcome.reason}`);
        t.deadLettered++;
      }
    }
    this.o.store.markAcked(acked);
    t.pushed += acked.length;
  }

  private async pull(warehouse: Warehouse, t: { pulled: number; applied: number; quarantined: number; pages: number; bytesDown: number }): Promise<void> {
    const pageSize = this.o.pageSize ?? 1000;
    let cursor = this.o.store.cursor(STREAM);
    for (;;) {
      const page = await warehouse.pull(cursor, pageSize);
      t.pages++;
      const valid: Change[] = [];
      const quarantined: Quarantined[] = [];
      for (const raw of page.changes) {
        const parsed = parseChange(raw);
        if (parsed.ok) valid.push(parsed.change);
        else quarantined.push({ seq: raw.seq, error: parsed.error, raw });
      }
      for (const q of quarantined) this.o.log.warn('sync.quarantined', { seq: q.seq, reason: q.error });
      const result = this.o.store.applyPulled(STREAM, valid, quarantined, page.nextCursor);
      t.pulled += page.changes.length;
      t.applied += result.applied;
      t.quarantined += quarantined.length;
      t.bytesDown += page.bytes;
      cursor = page.nextCursor;
      this.progress = { phase: 'pull', items: t.pulled, total: null, bytes: t.bytesDown, etaMs: null };
      this.emit();
      if (!page.hasMore) break;
    }
  }

  /** Something shown in the status besides the sync itself changed (background suggestions, a resolved conflict). */
  announce(): void {
    this.emit();
  }

  private emit(): void {
    this.o.onChange?.(this.status());
  }
}
