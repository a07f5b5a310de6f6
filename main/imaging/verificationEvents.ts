import type { PutEventsCommandOutput, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Logger } from '../log/logger.js';
import { backoffDelay } from '../sync/backoff.js';
import { SELECT_VERIFICATION, type VerificationRow, type VerificationStorePort } from './verificationService.js';

/** What the cloud's rule matches (`DESKTOP_EVENT_SOURCE` and `IMAGE_VERIFIED` in cloud/infra/lib/imagingStack.ts). */
export const EVENT_SOURCE = 'atrium.desktop';
export const EVENT_DETAIL_TYPE = 'ImageVerified';
/** PutEvents takes at most 10 entries per request. */
const ENTRIES_PER_REQUEST = 10;

/** Sends one PutEvents request (the real `EventBridgeClient` behind it, made by the AWS client factory). */
export type PutEvents = (entries: PutEventsRequestEntry[]) => Promise<PutEventsCommandOutput>;

export interface VerificationEventsOptions {
  readonly store: VerificationStorePort;
  readonly busName: () => string | null;
  /** Built on first need, so the EventBridge SDK loads only on stations that publish. */
  readonly putEvents: () => Promise<PutEvents>;
  readonly log: Logger;
  readonly random?: () => number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface PublishReport {
  readonly published: number;
  readonly failed: number;
}

/** The `ImageVerified` event's detail. Consumers de-duplicate on `verificationId`. */
export function eventDetail(row: VerificationRow): Record<string, unknown> {
  return {
    verificationId: row.client_mutation_id,
    version: row.version,
    supersedes: row.supersedes,
    imageSetId: row.image_set_id,
    datastoreId: row.datastore_id,
    studyInstanceUid: row.study_uid,
    seriesInstanceUid: row.series_uid,
    verdict: row.verdict,
    labels: JSON.parse(row.labels) as string[],
    laterality: row.laterality,
    confidence: row.confidence,
    verifier: row.principal,
    verifiedAt: new Date(row.created_ms).toISOString(),
  };
}

/**
 * Publishes an `ImageVerified` event for each verification the warehouse has acknowledged. Delivery
 * is at least once from here: a verification is marked published only when PutEvents returns an
 * EventId for its entry, so a lost answer means the event is sent again. Exactly once in effect comes
 * from the verification id in the detail, on which consumers de-duplicate. A failed entry (a whole
 * request failing, or `FailedEntryCount` > 0) waits with exponential backoff and jitter before its
 * next attempt; the others are not held back.
 */
export class VerificationEvents {
  constructor(private readonly o: VerificationEventsOptions) {}

  async publishPending(): Promise<PublishReport> {
    const busName = this.o.busName();
    if (busName === null) return { published: 0, failed: 0 };
    let published = 0;
    let failed = 0;
    const tried = new Set<string>();
    let put: PutEvents | undefined;
    for (;;) {
      const rows = this.due().filter((r) => !tried.has(r.client_mutation_id));
      if (rows.length === 0) break;
      for (const r of rows) tried.add(r.client_mutation_id);
      const entries = rows.map((r) => ({
        Source: EVENT_SOURCE,
        DetailType: EVENT_DETAIL_TYPE,
        Detail: JSON.stringify(eventDetail(r)),
        EventBusName: busName,
        Time: new Date(r.created_ms),
      }));
      let output: PutEventsCommandOutput;
      try {
        put ??= await this.o.putEvents();
        output = await put(entries);
      } catch (error) {
        // The SDK already retried what it could; every entry of this request waits its backoff.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.recordFailures(rows.map((r) => ({ row: r, error: message })));
        this.o.log.warn('verification.event_failed', { error: error as Error, entries: rows.length });
        return { published, failed: failed + rows.length };
      }
      const ok: string[] = [];
      const bad: { row: VerificationRow; error: string }[] = [];
      rows.forEach((row, i) => {
        const result = output.Entries?.[i];
        if (result?.EventId) ok.push(row.client_mutation_id);
        else bad.push({ row, error: result?.ErrorCode ? `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`.trim() : 'PutEvents returned no result for this entry' });
      });
      this.markPublished(ok);
      this.recordFailures(bad);
      if (bad.length > 0) this.o.log.warn('verification.event_partial_failure', { failed: bad.length, codes: [...new Set(bad.map((b) => b.error.split(':')[0]))].join(',') });
      published += ok.length;
      failed += bad.length;
    }
    return { published, failed };
  }

  /** Acknowledged by the warehouse (neither waiting in the outbox nor dead-lettered), not yet published, due. */
  private due(): VerificationRow[] {
    const store = this.o.store;
    return store.db
      .prepare<[number, number], VerificationRow>(
        `SELECT * FROM (${SELECT_VERIFICATION} WHERE v.event_published_ms IS NULL AND (v.event_next_attempt_ms IS NULL OR v.event_next_attempt_ms <= ?))
         WHERE pending = 0 AND rejected = 0 ORDER BY id LIMIT ?`,
      )
      .all(store.now(), ENTRIES_PER_REQUEST);
  }

  private markPublished(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const store = this.o.store;
    store.write(() => {
      const stmt = store.db.prepare('UPDATE verifications SET event_published_ms = ?, event_error = NULL, event_next_attempt_ms = NULL WHERE client_mutation_id = ?');
      for (const id of ids) stmt.run(store.now(), id);
    });
  }

  private recordFailures(failures: readonly { row: VerificationRow; error: string }[]): void {
    if (failures.length === 0) return;
    const store = this.o.store;
    store.write(() => {
      const stmt = store.db.prepare('UPDATE verifications SET event_attempts = ?, event_next_attempt_ms = ?, event_error = ? WHERE client_mutation_id = ?');
      for (const { row, error } of failures) {
        const attempts = row.event_attempts + 1;
        stmt.run(attempts, store.now() + backoffDelay(attempts, this.o.backoffBaseMs ?? 2_000, this.o.backoffMaxMs ?? 5 * 60_000, this.o.random ?? Math.random), error.slice(0, 500), row.client_mutation_id);
      }
    });
  }
}
