import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Verification, VerificationInput, VerificationSubject } from '../../preload/contract.js';
import type { AuditEntry } from '../audit/auditLog.js';
import { StoreError } from '../store/storeErrors.js';

/** The parts of the offline store a verification needs (main/store's `Store` has them). */
export interface VerificationStorePort {
  readonly db: Database.Database;
  write<T>(fn: () => T): T;
  read<T>(fn: () => T): T;
  now(): number;
  assertMayStore(synthetic: boolean): void;
  readonly audit: { append(entry: AuditEntry, atMs: number): number };
}

export const VERIFICATION_MUTATION = 'image_verification';

/** One row of `verifications` with its sync state, as the service and the event publisher read it. */
export interface VerificationRow {
  client_mutation_id: string;
  principal: string;
  study_uid: string;
  series_uid: string;
  datastore_id: string | null;
  image_set_id: string | null;
  version: number;
  verdict: Verification['verdict'];
  findings: string;
  labels: string;
  laterality: Verification['laterality'];
  location: string | null;
  confidence: number;
  supersedes: string | null;
  created_ms: number;
  event_published_ms: number | null;
  event_attempts: number;
  event_error: string | null;
  /** 1 while its outbox row waits for the warehouse. */
  pending: number;
  /** 1 once the warehouse refused it (it sits in dead letters). */
  rejected: number;
}

/** Selects verifications with their sync state; callers add WHERE/ORDER clauses. */
export const SELECT_VERIFICATION = `SELECT v.*,
  EXISTS (SELECT 1 FROM outbox o WHERE o.client_mutation_id = v.client_mutation_id AND o.acked_ms IS NULL) AS pending,
  EXISTS (SELECT 1 FROM dead_letters d WHERE d.client_mutation_id = v.client_mutation_id) AS rejected
FROM verifications v`;

/** What the radiologist recorded, as the contract, the warehouse payload and the event name it. */
function recorded(row: VerificationRow) {
  return {
    version: row.version,
    verdict: row.verdict,
    findings: row.findings,
    labels: JSON.parse(row.labels) as string[],
    laterality: row.laterality,
    location: row.location,
    confidence: row.confidence,
    verifier: row.principal,
    verifiedAt: new Date(row.created_ms).toISOString(),
  };
}

/** What goes to the warehouse (the ledger's payload) for one verification. */
export function warehousePayload(row: VerificationRow): Record<string, unknown> {
  return {
    verificationId: row.client_mutation_id,
    supersedes: row.supersedes,
    studyUid: row.study_uid,
    seriesUid: row.series_uid,
    datastoreId: row.datastore_id,
    imageSetId: row.image_set_id,
    ...recorded(row),
  };
}

export interface VerificationServiceOptions {
  readonly store: VerificationStorePort;
  /** The `imaging.verification.labels` setting: the only labels a verification may carry. */
  readonly labels: () => readonly string[];
  /** The `aws.eventBridge.busName` setting: without one, synced verifications wait for their event. */
  readonly eventBus: () => string | null;
}

/**
 * A radiologist's verification of a series as ground truth. Saving is one local transaction: the
 * verification row, its outbox row and its audit entry, all under one verification id generated here.
 * A save while the previous one is still unsent replaces it (same version); a save after it reached
 * the warehouse is the next version, naming the one it supersedes.
 */
export class VerificationService {
  constructor(private readonly o: VerificationServiceOptions) {}

  get(principal: string, studyInstanceUid: string, seriesInstanceUid: string): Verification | null {
    const row = this.o.store.read(() => this.latest(principal, studyInstanceUid, seriesInstanceUid));
    return row ? this.toVerification(row) : null;
  }

  save(principal: string, input: VerificationInput): Verification {
    const labels = this.checkedLabels(input.labels);
    // Findings about a real patient's images are patient data: the store's keyring rule applies.
    this.o.store.assertMayStore(false);
    const store = this.o.store;
    const id = randomUUID();
    const row = store.write(() => {
      const now = store.now();
      const { subject } = input;
      const previous = this.latest(principal, subject.studyInstanceUid, subject.seriesInstanceUid);
      const replacing = previous && previous.pending === 1 ? previous : null;
      if (replacing) {
        // Not yet sent: the new save takes its place rather than queueing a second version.
        store.db.prepare('DELETE FROM outbox WHERE client_mutation_id = ? AND acked_ms IS NULL').run(replacing.client_mutation_id);
        store.db.prepare('DELETE FROM verifications WHERE client_mutation_id = ?').run(replacing.client_mutation_id);
      }
      const version = replacing ? replacing.version : previous ? previous.version + 1 : 1;
      const supersedes = replacing ? replacing.supersedes : (previous?.client_mutation_id ?? null);
      store.db
        .prepare(
          `INSERT INTO verifications (study_uid, series_uid, datastore_id, image_set_id, principal, verdict, findings, labels, laterality, location, confidence,
             version, supersedes, client_mutation_id, created_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          subject.studyInstanceUid,
          subject.seriesInstanceUid,
          subject.datastoreId,
          subject.imageSetId,
          principal,
          input.verdict,
          input.findings.trim(),
          JSON.stringify(labels),
          input.laterality,
          input.location?.trim() || null,
          input.confidence,
          version,
          supersedes,
          id,
          now,
        );
      store.db
        .prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, NULL, ?, ?, ?)')
        .run(id, VERIFICATION_MUTATION, principal, JSON.stringify(warehousePayload(this.byId(id) as VerificationRow)), now);
      store.audit.append(
        {
          principal,
          action: 'imaging.verify',
          entity: 'series',
          entityId: subject.seriesInstanceUid,
          detail: { verificationId: id, verdict: input.verdict, version, labels, replaced: replacing?.client_mutation_id ?? null },
        },
        now,
      );
      return this.byId(id) as VerificationRow;
    });
    return this.toVerification(row);
  }

  private checkedLabels(labels: readonly string[]): string[] {
    const allowed = this.o.labels();
    const unknown = labels.filter((l) => !allowed.includes(l));
    if (unknown.length > 0) {
      throw new StoreError('invalid', `Unknown label${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => `"${l}"`).join(', ')}: this station's labels are ${allowed.join(', ')} (setting imaging.verification.labels).`);
    }
    return [...new Set(labels)];
  }

  private latest(principal: string, studyUid: string, seriesUid: string): VerificationRow | undefined {
    return this.o.store.db
      .prepare<[string, string, string], VerificationRow>(`${SELECT_VERIFICATION} WHERE v.principal = ? AND v.study_uid = ? AND v.series_uid = ? ORDER BY v.id DESC LIMIT 1`)
      .get(principal, studyUid, seriesUid);
  }

  private byId(id: string): VerificationRow | undefined {
    return this.o.store.db.prepare<[string], VerificationRow>(`${SELECT_VERIFICATION} WHERE v.client_mutation_id = ?`).get(id);
  }

  private toVerification(row: VerificationRow): Verification {
    const state = row.rejected ? 'rejected' : row.pending ? 'pending' : row.event_published_ms !== null ? 'published' : 'synced';
    const subject: VerificationSubject = {
      studyInstanceUid: row.study_uid,
      seriesInstanceUid: row.series_uid,
      datastoreId: row.datastore_id,
      imageSetId: row.image_set_id,
    };
    const noBus = state === 'synced' && this.o.eventBus() === null ? 'No EventBridge bus is configured (setting aws.eventBridge.busName); the event is sent once one is.' : null;
    return {
      verificationId: row.client_mutation_id,
      subject,
      ...recorded(row),
      state,
      eventError: state === 'synced' ? (row.event_error ?? noBus) : null,
    };
  }
}
