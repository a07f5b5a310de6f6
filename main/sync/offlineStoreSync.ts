import type Database from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import type { ConflictChoice, DeadLetter, ServerConflict } from '../../preload/contract.js';
import type { Change } from '../warehouse/warehouse.js';
import { computePriority, DEFAULT_FORMULA, isoDay, type PriorityInputs } from '../worklist/priority.js';
import { encounterColumns, ServerConflicts } from './serverConflicts.js';
import type { ApplyResult, OutboxEntry, Quarantined, SyncStore } from './syncStore.js';

/**
 * The parts of the offline store (main/store) sync uses: its database handle, its write transaction
 * and its change notification. Declared here so sync depends on the shape, not the module.
 */
export interface OfflineStorePort {
  readonly db: Database.Database;
  write<T>(fn: () => T): T;
  now(): number;
  notifyChange(encounterIds: string[]): void;
  /** Throws `phi_refused` when real patient data may not be stored here (no keyring, no policy leave). */
  assertMayStore(synthetic: boolean): void;
}

const QUARANTINE_KEY = 'sync.quarantine';
const KEEP_QUARANTINED = 100;

/**
 * `SyncStore` over the offline store's own tables: `outbox` (seq, client_mutation_id, kind,
 * encounter_id, principal, payload, attempts, next_attempt_ms, last_error, acked_ms), `dead_letters`,
 * `sync_cursors`, and the worklist tables pulled changes land in (`encounters`, `notes`, each with a
 * `server_revision` so re-applying a change is a no-op and a draft can tell it is stale).
 */
export class OfflineStoreSync implements SyncStore {
  constructor(
    private readonly store: OfflineStorePort,
    /** The signed-in coder: decides whether a pulled encounter is assigned to this station's user. */
    private readonly principal: () => string | null,
    /** The worklist priority of an encounter under the formula in force (main/worklist/priority.ts). */
    private readonly priorityOf: (inputs: PriorityInputs) => number = (inputs) => computePriority(inputs, DEFAULT_FORMULA, store.now()),
  ) {}

  pendingCount(): number {
    return this.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE acked_ms IS NULL').get()?.n ?? 0;
  }

  deadLetterCount(): number {
    return this.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters').get()?.n ?? 0;
  }

  nextBatch(limit: number, afterSeq = 0): OutboxEntry[] {
    return this.store.db
      .prepare<[number, number], { seq: number; client_mutation_id: string; kind: string; encounter_id: string | null; principal: string; payload: string; attempts: number }>(
        'SELECT seq, client_mutation_id, kind, encounter_id, principal, payload, attempts FROM outbox WHERE acked_ms IS NULL AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, limit)
      .map((r) => ({ clientMutationId: r.client_mutation_id, clientSeq: r.seq, kind: r.kind, coder: r.principal, encounterId: r.encounter_id, payload: r.payload, attempts: r.attempts }));
  }

  markAcked(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.store.write(() => {
      // One statement for the whole batch: ten thousand single-row updates cost more than the request.
      this.store.db
        .prepare('UPDATE outbox SET acked_ms = ?, last_error = NULL, next_attempt_ms = NULL WHERE acked_ms IS NULL AND client_mutation_id IN (SELECT value FROM json_each(?))')
        .run(this.store.now(), JSON.stringify(ids));
    });
  }

  recordFailure(ids: readonly string[], error: string): void {
    this.store.write(() => {
      const stmt = this.store.db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE client_mutation_id = ?');
      for (const id of ids) stmt.run(error.slice(0, 500), id);
    });
  }

  deadLetter(entry: OutboxEntry, reason: string, detail: string): void {
    this.store.write(() => {
      this.store.db
        .prepare('INSERT INTO dead_letters (outbox_seq, client_mutation_id, kind, encounter_id, payload, reason, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(entry.clientSeq, entry.clientMutationId, entry.kind, entry.encounterId, entry.payload, `${reason}: ${detail}`.slice(0, 500), this.store.now());
      this.store.db.prepare('DELETE FROM outbox WHERE client_mutation_id = ?').run(entry.clientMutationId);
    });
    if (entry.encounterId) this.store.notifyChange([entry.encounterId]);
  }

  serverConflictCount(): number {
    return this.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM server_conflicts WHERE resolved_ms IS NULL').get()?.n ?? 0;
  }

  /** Dead letters, oldest first; the stored reason is `code: detail`. */
  deadLetters(): DeadLetter[] {
    return this.store.db
      .prepare<[], { client_mutation_id: string; kind: string; encounter_id: string | null; reason: string; created_ms: number }>(
        'SELECT client_mutation_id, kind, encounter_id, reason, created_ms FROM dead_letters ORDER BY id',
      )
      .all()
      .map((r) => {
        const split = r.reason.indexOf(': ');
        const reason = split > 0 ? r.reason.slice(0, split) : r.reason;
        return { clientMutationId: r.client_mutation_id, kind: r.kind, encounterId: r.encounter_id, reason, detail: split > 0 ? r.reason.slice(split + 2) : '', createdMs: r.created_ms, conflict: r.kind === 'claim' && reason === 'claimed_by_other' };
      });
  }

  /**
   * Puts a dead letter back in the outbox under a new client mutation id: the warehouse keeps its answer
   * to the old id forever (that is what makes a re-push a no-op), so a retry is a new mutation.
   */
  retryDeadLetter(clientMutationId: string): boolean {
    const moved = this.store.write(() => {
      const db = this.store.db;
      const row = db
        .prepare<[string], { kind: string; encounter_id: string | null; payload: string }>('SELECT kind, encounter_id, payload FROM dead_letters WHERE client_mutation_id = ?')
        .get(clientMutationId);
      if (!row) return null;
      db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
        randomUUID(),
        row.kind,
        row.encounter_id,
        this.principal() ?? 'unknown',
        row.payload,
        this.store.now(),
      );
      db.prepare('DELETE FROM dead_letters WHERE client_mutation_id = ?').run(clientMutationId);
      return row;
    });
    if (moved?.encounter_id) this.store.notifyChange([moved.encounter_id]);
    return moved !== null;
  }

  /** The coder gives the refused work up (another coder has the chart, or it was voided). */
  discardDeadLetter(clientMutationId: string): boolean {
    const row = this.store.db.prepare<[string], { encounter_id: string | null }>('SELECT encounter_id FROM dead_letters WHERE client_mutation_id = ?').get(clientMutationId);
    if (!row) return false;
    this.store.write(() => this.store.db.prepare('DELETE FROM dead_letters WHERE client_mutation_id = ?').run(clientMutationId));
    if (row.encounter_id) this.store.notifyChange([row.encounter_id]);
    return true;
  }

  /** Server changes that landed under a draft, waiting for the coder (see `ServerConflicts`). */
  serverConflicts(): ServerConflict[] {
    return new ServerConflicts(this.store.db, this.principal()).list();
  }

  /** The coder's decision on a server conflict; false when the encounter has none open. */
  resolveServerConflict(encounterId: string, choice: ConflictChoice): boolean {
    const resolved = this.store.write(() => new ServerConflicts(this.store.db, this.principal()).resolve(encounterId, choice, this.store.now()));
    if (resolved) this.store.notifyChange([encounterId]);
    return resolved;
  }

  cursor(stream: string): number {
    return this.store.db.prepare<[string], { cursor: number }>('SELECT cursor FROM sync_cursors WHERE name = ?').get(stream)?.cursor ?? 0;
  }

  applyPulled(stream: string, changes: readonly Change[], quarantined: readonly Quarantined[], cursor: number): ApplyResult {
    // Real patients' records need the OS keyring or the policy's leave. Refused, the page stays on the
    // warehouse (the cursor does not move) and the sync run fails saying why.
    if (changes.some((c) => c.entity === 'encounter' && c.record.synthetic !== true)) this.store.assertMayStore(false);
    const me = this.principal();
    const touched = new Set<string>();
    const reprioritise = new Set<string>();
    const extra: Quarantined[] = [];
    const result = this.store.write((): ApplyResult => {
      const db = this.store.db;
      const now = this.store.now();
      let applied = 0;
      let skipped = 0;
      const encounter = db.prepare(
        `INSERT INTO encounters (id, mrn, patient_name, sex, age, facility, payer, service_line, admit_date, discharge_date, disposition, due_date,
           synthetic, server_revision, assigned, status_changed_ms, updated_ms)
         VALUES (@id, @mrn, @patientName, @sex, @age, @facility, @payer, @serviceLine, @admitDate, @dischargeDate, @disposition, @dueDate,
           @synthetic, @revision, @assigned, @now, @now)
         ON CONFLICT (id) DO UPDATE SET mrn = excluded.mrn, patient_name = excluded.patient_name, sex = excluded.sex, age = excluded.age,
           facility = excluded.facility, payer = excluded.payer, service_line = excluded.service_line, admit_date = excluded.admit_date,
           discharge_date = excluded.discharge_date, disposition = excluded.disposition, due_date = excluded.due_date, synthetic = excluded.synthetic,
           server_revision = excluded.server_revision, assigned = excluded.assigned, updated_ms = excluded.updated_ms
         WHERE excluded.server_revision > encounters.server_revision`,
      );
      // A change under a coder's draft is applied, and recorded for the coder to decide on.
      const conflicts = new ServerConflicts(db, me);
      const hasEncounter = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM encounters WHERE id = ?');
      const dropSuggestions = db.prepare('DELETE FROM suggestions WHERE encounter_id = ?');
      const unseen = db.prepare('UPDATE encounters SET model_confidence = NULL WHERE id = ? AND model_confidence IS NOT NULL');
      const note = db.prepare(
        `INSERT INTO notes (id, encounter_id, kind, text, created_ms, server_revision) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, text = excluded.text, server_revision = excluded.server_revision
         WHERE excluded.server_revision > notes.server_revision`,
      );
      for (const c of changes) {
        let changed: number;
        if (c.entity === 'encounter') {
          const before = conflicts.before(c);
          changed = encounter.run({ id: c.record.encounterId, revision: c.version, now, ...encounterColumns(c.record, me) }).changes;
          if (changed > 0) {
            touched.add(c.record.encounterId);
            reprioritise.add(c.record.encounterId);
          }
          if (changed > 0 && before) conflicts.record(before, c.version, now);
        } else {
          if ((hasEncounter.get(c.record.encounterId)?.n ?? 0) === 0) {
            extra.push({ seq: c.seq, error: `note ${c.entityId} belongs to encounter ${c.record.encounterId}, which this station does not hold`, raw: { seq: c.seq, entity: c.entity, entityId: c.entityId, entityVersion: c.version, op: c.op, payload: null, changedAtMs: c.changedAtMs } });
            continue;
          }
          const before = conflicts.before(c);
          changed = note.run(c.entityId, c.record.encounterId, c.record.kind, c.record.text, now, c.version).changes;
          if (changed > 0) {
            touched.add(c.record.encounterId);
            // Suggestions point into the old text: they go, and the model sees the encounter again (PulledSuggestions).
            dropSuggestions.run(c.record.encounterId);
            if (unseen.run(c.record.encounterId).changes > 0) reprioritise.add(c.record.encounterId);
          }
          if (changed > 0 && before) conflicts.record(before, c.version, now);
        }
        if (changed > 0) applied++;
        else skipped++;
      }
      if (reprioritise.size > 0) {
        const setPriority = priorityWriter(db, this.priorityOf, now);
        for (const id of reprioritise) setPriority(id);
      }
      const all = [...quarantined, ...extra];
      if (all.length > 0) {
        const previous = JSON.parse(db.prepare<[string], { value: string }>('SELECT value FROM store_meta WHERE key = ?').get(QUARANTINE_KEY)?.value ?? '[]') as unknown[];
        const next = [...previous, ...all.map((q) => ({ seq: q.seq, error: q.error, at: now }))].slice(-KEEP_QUARANTINED);
        db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(QUARANTINE_KEY, JSON.stringify(next));
      }
      db.prepare('INSERT INTO sync_cursors (name, cursor, updated_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET cursor = MAX(sync_cursors.cursor, excluded.cursor), updated_ms = excluded.updated_ms').run(
        stream,
        cursor,
        now,
      );
      return { applied, skipped };
    });
    if (touched.size > 0) this.store.notifyChange([...touched]);
    return result;
  }
}

/**
 * Stores encounters' priorities from their current rows (pulled fields, model confidence); the returned
 * function runs inside a write. An encounter with no discharge date yet counts as discharged today.
 */
export function priorityWriter(db: Database.Database, priorityOf: (inputs: PriorityInputs) => number, now: number): (encounterId: string) => void {
  const read = db.prepare<[string], { discharge_date: string; payer: string; drg_impact: number | null; model_confidence: number | null; due_date: string | null }>(
    'SELECT discharge_date, payer, drg_impact, model_confidence, due_date FROM encounters WHERE id = ?',
  );
  const write = db.prepare('UPDATE encounters SET priority = ? WHERE id = ?');
  return (encounterId) => {
    const row = read.get(encounterId);
    if (!row) return;
    const dischargeDate = row.discharge_date || isoDay(now);
    write.run(priorityOf({ dischargeDate, payer: row.payer, drgImpact: row.drg_impact, modelConfidence: row.model_confidence, dueDate: row.due_date }), encounterId);
  };
}
