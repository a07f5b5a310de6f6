import { randomUUID } from 'node:crypto';
import {
  CodingDraftSchema,
  type CodingDraft,
  type EncounterDetail,
  type UndoResult,
  type WorklistCounts,
  type WorklistFilter,
  type WorklistItem,
  type WorklistListInput,
  type WorklistPage,
  type WorkStatus,
} from '../../preload/contract.js';
import { purgeExpired } from '../store/retention.js';
import type { Store } from '../store/store.js';
import type { StoreReader } from '../store/storeReader.js';
import { StoreError } from '../store/storeErrors.js';
import { computePriority, DEFAULT_FORMULA, formulaFingerprint, isoDay, type PriorityFormula } from './priority.js';
import { countWorklist, filterSql, listPage, noteDate, searchEncounterIds, toItem, type EncounterRow, type Prepare } from './worklistQueries.js';

export interface EncounterRecord {
  readonly id: string;
  readonly mrn: string;
  readonly patientName: string | null;
  readonly sex: string | null;
  readonly age: number | null;
  readonly facility: string;
  readonly payer: string;
  readonly serviceLine: string;
  readonly admitDate: string;
  readonly dischargeDate: string;
  readonly disposition: string | null;
  readonly dueDate: string | null;
  readonly drgImpact: number | null;
  readonly modelConfidence: number | null;
  readonly serverRevision?: number;
}
export interface NoteRecord {
  readonly id: string;
  readonly encounterId: string;
  readonly kind: string;
  readonly text: string;
}
export interface SuggestionRecord {
  readonly encounterId: string;
  readonly code: string;
  readonly system: 'ICD-10-CM' | 'ICD-10-PCS';
  readonly score: number;
  readonly evidence: readonly { noteId: string; start: number; end: number }[];
  readonly modelVersion: string;
}

export const DEFAULT_LEASE_MS = 30 * 60_000;

/**
 * The statement that picks the next ready encounter: a seek into the queue index (status, priority
 * DESC, id), or the facility one, straight to the first ready row. `+assigned` keeps SQLite from
 * choosing encounters_by_priority (assigned, priority, …) instead, which walks past every submitted
 * encounter at the top of the priority order, so each claim was slower than the one before.
 */
export function claimNextQuery(filter: WorklistFilter, now: number): { sql: string; params: (string | number)[] } {
  const { where, params } = filterSql({ ...filter, status: ['ready'] }, now);
  const clauses = where.map((clause) => (clause === 'assigned = 1' ? '+assigned = 1' : clause));
  return { sql: `SELECT id FROM encounters WHERE ${clauses.join(' AND ')} ORDER BY priority DESC, id LIMIT 1`, params };
}
/**
 * The coder's worklist over the store: stored priorities, keyset paging, claims under a lease,
 * drafts on every edit, and submit/hold/query/release/undo each as one `BEGIN IMMEDIATE` transaction
 * that writes the action, its outbox row and its audit entry together.
 */
export class Worklist {
  private priorityDayChecked = '';

  constructor(
    private readonly store: Store,
    private readonly options: { leaseMs?: number; reader?: StoreReader; formula?: () => PriorityFormula } = {},
  ) {}

  /** Statements compiled once for the store's connection. */
  private readonly prepare: Prepare = (sql) => this.store.prepared(sql);
  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  // ---- priorities ----

  /** The formula in force: from the settings (`worklist.priority.*`) in the app, the defaults otherwise. */
  formula(): PriorityFormula {
    return this.options.formula?.() ?? DEFAULT_FORMULA;
  }

  /**
   * Recomputes every open encounter's priority when the day turns (DNFB age and due dates move with
   * the calendar) or the formula changed since the last recompute. A formula change is audited.
   */
  ensurePrioritiesFresh(): boolean {
    if (this.store.status.readOnly) return false;
    const now = this.store.now();
    const formula = this.formula();
    const fingerprint = formulaFingerprint(formula);
    const stamp = `${isoDay(now)}:${fingerprint}`;
    if (this.priorityDayChecked === stamp) return false;
    const recomputed = this.store.write(() => {
      const previous = this.store.meta('priority_stamp');
      if (previous === stamp) return false;
      const previousFingerprint = previous?.split(':')[1];
      if (previousFingerprint !== undefined && previousFingerprint !== fingerprint) {
        this.store.audit.append({ principal: 'system:settings', action: 'worklist.formula', detail: { from: previousFingerprint, to: fingerprint } }, now);
      }
      this.recomputeInTransaction(formula);
      return true;
    });
    this.priorityDayChecked = stamp;
    return recomputed;
  }

  private recomputeInTransaction(formula: PriorityFormula): number {
    const now = this.store.now();
    const update = this.store.prepared('UPDATE encounters SET priority = ? WHERE id = ?');
    let n = 0;
    const rows = this.store
      .prepared<[], Pick<EncounterRow, 'id' | 'discharge_date' | 'payer' | 'drg_impact' | 'model_confidence' | 'due_date' | 'priority'>>(
        "SELECT id, discharge_date, payer, drg_impact, model_confidence, due_date, priority FROM encounters WHERE status != 'submitted'",
      )
      .all();
    for (const r of rows) {
      const p = computePriority({ dischargeDate: r.discharge_date, payer: r.payer, drgImpact: r.drg_impact, modelConfidence: r.model_confidence, dueDate: r.due_date }, formula, now);
      if (p !== r.priority) {
        update.run(p, r.id);
        n++;
      }
    }
    this.store.setMeta('priority_stamp', `${isoDay(now)}:${formulaFingerprint(formula)}`);
    return n;
  }

  /**
   * Housekeeping while the app runs: priorities recomputed when the day turns (DNFB age and due dates
   * move), and the retention purge once a day. Returns a function that stops it.
   */
  startMaintenance(options: { retentionDays: () => number; principal: string; everyMs?: number; onError?: (error: unknown) => void }): () => void {
    let lastPurgeDay = '';
    const tick = () => {
      if (this.store.status.readOnly) return;
      try {
        this.ensurePrioritiesFresh();
        const today = isoDay(this.store.now());
        if (today !== lastPurgeDay) {
          purgeExpired(this.store, options.retentionDays(), options.principal);
          lastPurgeDay = today;
        }
      } catch (error) {
        options.onError?.(error);
      }
    };
    tick();
    const timer = setInterval(tick, options.everyMs ?? 15 * 60_000);
    timer.unref();
    return () => clearInterval(timer);
  }

  // ---- loading (demo seed now; the sync engine's pull later) ----

  ingest(batch: { encounters: readonly EncounterRecord[]; notes?: readonly NoteRecord[]; suggestions?: readonly SuggestionRecord[] }, options: { synthetic: boolean }): void {
    this.store.assertMayStore(options.synthetic);
    const now = this.store.now();
    const formula = this.formula();
    this.store.write(() => {
      const enc = this.store.prepared(`INSERT INTO encounters (id, mrn, patient_name, sex, age, facility, payer, service_line, admit_date, discharge_date, disposition, due_date, drg_impact, model_confidence, priority, server_revision, synthetic, status_changed_ms, updated_ms)
        VALUES (@id, @mrn, @patientName, @sex, @age, @facility, @payer, @serviceLine, @admitDate, @dischargeDate, @disposition, @dueDate, @drgImpact, @modelConfidence, @priority, @serverRevision, @synthetic, @now, @now)
        ON CONFLICT (id) DO UPDATE SET mrn = excluded.mrn, patient_name = excluded.patient_name, sex = excluded.sex, age = excluded.age, facility = excluded.facility,
          payer = excluded.payer, service_line = excluded.service_line, admit_date = excluded.admit_date, discharge_date = excluded.discharge_date,
          disposition = excluded.disposition, due_date = excluded.due_date, drg_impact = excluded.drg_impact, model_confidence = excluded.model_confidence,
          priority = excluded.priority, server_revision = excluded.server_revision, synthetic = excluded.synthetic, assigned = 1, updated_ms = excluded.updated_ms`);
      for (const e of batch.encounters) {
        enc.run({
          ...e,
          serverRevision: e.serverRevision ?? 0,
          synthetic: options.synthetic ? 1 : 0,
          now,
          priority: computePriority(e, formula, now),
        });
      }
      const note = this.store.prepared('INSERT INTO notes (id, encounter_id, kind, text, created_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET text = excluded.text, kind = excluded.kind');
      for (const n of batch.notes ?? []) note.run(n.id, n.encounterId, n.kind, n.text, now);
      const sug = this.store.prepared('INSERT INTO suggestions (encounter_id, code, code_system, score, evidence, model_version, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const s of batch.suggestions ?? []) sug.run(s.encounterId, s.code, s.system, s.score, JSON.stringify(s.evidence), s.modelVersion, now);
    });
    this.store.notifyChange(batch.encounters.map((e) => e.id).slice(0, 1000));
  }

  // ---- reading ----

  list(input: WorklistListInput = {}): WorklistPage {
    this.returnExpiredLeases();
    return listPage(this.prepare, input, this.store.now());
  }

  /**
   * The read worker once its connection is open. Until then (its thread and connection take hundreds of
   * milliseconds at launch) reads run on main: a page takes milliseconds, and the first one should not
   * wait for a thread to start.
   */
  private openedReader(): StoreReader | undefined {
    return this.options.reader?.opened ? this.options.reader : undefined;
  }

  /** list(), answered by the store's read worker when there is one, so the main event loop keeps running. */
  async listOffMain(input: WorklistListInput = {}): Promise<WorklistPage> {
    const reader = this.openedReader();
    if (!reader) return this.list(input);
    this.returnExpiredLeases();
    return reader.read({ op: 'list', input, now: this.store.now() });
  }

  /** counts(), answered by the store's read worker when there is one. */
  async countsOffMain(): Promise<WorklistCounts> {
    const reader = this.openedReader();
    if (!reader) return this.counts();
    this.returnExpiredLeases();
    return { ...(await reader.read({ op: 'counts' })), readOnly: this.store.status.readOnly, readOnlyReason: this.store.status.readOnlyReason };
  }

  /** searchEncounters(), answered by the store's read worker when there is one. */
  async searchOffMain(query: string, limit = 50): Promise<string[]> {
    const reader = this.openedReader();
    return reader ? reader.read({ op: 'search', query, limit }) : this.searchEncounters(query, limit);
  }

  counts(): WorklistCounts {
    this.returnExpiredLeases();
    return { ...countWorklist(this.prepare), readOnly: this.store.status.readOnly, readOnlyReason: this.store.status.readOnlyReason };
  }

  /** See searchEncounterIds: the first `limit` encounters whose notes match the FTS5 `query`. */
  searchEncounters(query: string, limit = 50): string[] {
    return searchEncounterIds(this.prepare, query, limit);
  }

  /** The encounter with its notes, suggestions and draft; recorded in the audit log as a PHI read. */
  get(encounterId: string, principal: string): EncounterDetail {
    const detail = this.store.read(() => {
      const row = this.row(encounterId);
      const notes = this.store.prepared<[string], { id: string; kind: string; text: string }>('SELECT id, kind, text FROM notes WHERE encounter_id = ? ORDER BY rowid').all(encounterId);
      const suggestions = this.store
        .prepared<[string], { code: string; code_system: 'ICD-10-CM' | 'ICD-10-PCS'; score: number; evidence: string; model_version: string }>(
          'SELECT code, code_system, score, evidence, model_version FROM suggestions WHERE encounter_id = ? ORDER BY score DESC',
        )
        .all(encounterId);
      return {
        item: this.item(row),
        mrn: row.mrn,
        patientName: row.patient_name,
        sex: row.sex,
        age: row.age,
        disposition: row.disposition,
        notes: notes.map((n) => ({ ...n, date: noteDate(n.kind, row.admit_date, row.discharge_date) })),
        suggestions: suggestions.map((s) => ({ code: s.code, system: s.code_system, score: s.score, evidence: JSON.parse(s.evidence) as { noteId: string; start: number; end: number }[], modelVersion: s.model_version })),
        draft: this.draft(encounterId),
      };
    });
    this.store.auditNow({ principal, action: 'phi.read', entity: 'encounter', entityId: encounterId, detail: { notes: detail.notes.length } });
    return detail;
  }

  draft(encounterId: string): EncounterDetail['draft'] {
    const d = this.store.prepared<[string], { payload: string; revision: number; updated_ms: number }>('SELECT payload, revision, updated_ms FROM coding_drafts WHERE encounter_id = ?').get(encounterId);
    if (!d) return null;
    return { draft: CodingDraftSchema.parse(JSON.parse(d.payload)), revision: d.revision, savedAt: new Date(d.updated_ms).toISOString() };
  }

  // ---- leases ----

  /** Leases past their expiry give their encounter back to the queue (drafts stay). */
  returnExpiredLeases(): string[] {
    if (this.store.status.readOnly) return [];
    const now = this.store.now();
    const expired = this.store.prepared<[number], { id: string }>("SELECT id FROM encounters WHERE lease_owner IS NOT NULL AND lease_expires_ms <= ? AND status = 'in_progress'").all(now);
    if (expired.length === 0) return [];
    const ids = this.store.write(() => {
      const rows = this.store.prepared<[number], { id: string; lease_owner: string }>("SELECT id, lease_owner FROM encounters WHERE lease_owner IS NOT NULL AND lease_expires_ms <= ? AND status = 'in_progress'").all(now);
      const back = this.store.prepared("UPDATE encounters SET status = 'ready', lease_owner = NULL, lease_expires_ms = NULL, status_changed_ms = ?, updated_ms = ? WHERE id = ?");
      for (const r of rows) {
        back.run(now, now, r.id);
        this.store.audit.append({ principal: r.lease_owner, action: 'worklist.lease_expired', entity: 'encounter', entityId: r.id }, now);
      }
      return rows.map((r) => r.id);
    });
    this.store.notifyChange(ids);
    return ids;
  }

  /** Claims the highest-priority ready encounter (or returns the one this person already holds). */
  claimNext(principal: string, filter: WorklistFilter = {}): WorklistItem | null {
    this.ensurePrioritiesFresh();
    this.returnExpiredLeases();
    const now = this.store.now();
    const claimed = this.store.write(() => {
      const held = this.store.prepared<[string], EncounterRow>(`SELECT * FROM encounters WHERE status = 'in_progress' AND lease_owner = ? ORDER BY priority DESC, id LIMIT 1`).get(principal);
      if (held) {
        this.store.prepared('UPDATE encounters SET lease_expires_ms = ? WHERE id = ?').run(now + this.leaseMs, held.id);
        return { id: held.id, fresh: false };
      }
      const { sql, params } = claimNextQuery(filter, now);
      const next = this.store.prepared<unknown[], { id: string }>(sql).get(...params);
      if (!next) return null;
      this.store.prepared("UPDATE encounters SET status = 'in_progress', lease_owner = ?, lease_expires_ms = ?, status_changed_ms = ?, updated_ms = ? WHERE id = ?").run(principal, now + this.leaseMs, now, now, next.id);
      this.enqueue('claim', next.id, principal, { encounterId: next.id, leaseExpiresAt: new Date(now + this.leaseMs).toISOString() });
      this.store.audit.append({ principal, action: 'worklist.claim', entity: 'encounter', entityId: next.id }, now);
      return { id: next.id, fresh: true };
    }, { flush: 'with-next-commit' });
    if (!claimed) return null;
    if (claimed.fresh) this.store.notifyChange([claimed.id]);
    return this.item(this.row(claimed.id));
  }

  renewLease(encounterId: string, principal: string): WorklistItem {
    const now = this.store.now();
    this.store.write(() => {
      this.ownedInProgress(encounterId, principal);
      this.store.prepared('UPDATE encounters SET lease_expires_ms = ? WHERE id = ?').run(now + this.leaseMs, encounterId);
    }, { flush: 'with-next-commit' });
    return this.item(this.row(encounterId));
  }

  // ---- drafts and decisions ----

  /** Saves the coder's draft (every edit); renews the lease. Atomic: a draft is never half-written. */
  saveDraft(encounterId: string, principal: string, draft: CodingDraft, expectedRevision?: number): { revision: number; savedAt: string; leaseExpiresAt: string } {
    const parsed = CodingDraftSchema.parse(draft);
    const now = this.store.now();
    return this.store.write(() => {
      const row = this.ownedInProgress(encounterId, principal);
      const current = this.store.prepared<[string], { revision: number }>('SELECT revision FROM coding_drafts WHERE encounter_id = ?').get(encounterId)?.revision ?? 0;
      if (expectedRevision !== undefined && expectedRevision !== current) {
        throw new StoreError('conflict', `The draft changed since revision ${expectedRevision} (it is at ${current}); reload it before saving.`);
      }
      const revision = current + 1;
      this.store
        .prepared('INSERT INTO coding_drafts (encounter_id, principal, payload, revision, base_server_revision, updated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (encounter_id) DO UPDATE SET principal = excluded.principal, payload = excluded.payload, revision = excluded.revision, updated_ms = excluded.updated_ms')
        .run(encounterId, principal, JSON.stringify(parsed), revision, row.server_revision, now);
      this.store.prepared('UPDATE encounters SET lease_expires_ms = ? WHERE id = ?').run(now + this.leaseMs, encounterId);
      return { revision, savedAt: new Date(now).toISOString(), leaseExpiresAt: new Date(now + this.leaseMs).toISOString() };
    });
  }

  /**
   * Submits the saved draft: the coding result, its outbox row, the status change and the audit entry
   * commit together or not at all. A repeated `clientMutationId` returns the first submit's result.
   */
  submit(encounterId: string, principal: string, clientMutationId: string = randomUUID()): { clientMutationId: string; outboxSeq: number } {
    const now = this.store.now();
    const result = this.store.write(() => {
      const existing = this.store.prepared<[string], { encounter_id: string }>('SELECT encounter_id FROM coding_results WHERE client_mutation_id = ?').get(clientMutationId);
      if (existing) {
        if (existing.encounter_id !== encounterId) throw new StoreError('conflict', 'That submit id was already used for another encounter.');
        const seq = this.store.prepared<[string], { seq: number }>('SELECT seq FROM outbox WHERE client_mutation_id = ?').get(clientMutationId)?.seq;
        if (seq !== undefined) return { clientMutationId, outboxSeq: seq, repeated: true };
      }
      const row = this.ownedInProgress(encounterId, principal);
      const saved = this.draft(encounterId);
      if (!saved) throw new StoreError('invalid', 'There is no draft to submit: accept or add at least one code first.');
      const principals = saved.draft.codes.filter((c) => c.principal === true && c.decision !== 'rejected');
      if (principals.length !== 1) throw new StoreError('invalid', `A submit needs exactly one principal diagnosis (this draft has ${principals.length}).`);
      const payload = { encounterId, codes: saved.draft.codes.filter((c) => c.decision !== 'rejected'), rejected: saved.draft.codes.filter((c) => c.decision === 'rejected'), comment: saved.draft.comment ?? null, draftRevision: saved.revision, baseServerRevision: row.server_revision };
      this.store.prepared('INSERT INTO coding_results (encounter_id, principal, payload, client_mutation_id, submitted_ms) VALUES (?, ?, ?, ?, ?)').run(encounterId, principal, JSON.stringify({ draft: saved.draft, revision: saved.revision }), clientMutationId, now);
      const seq = this.enqueue('submit_codes', encounterId, principal, payload, clientMutationId);
      this.setStatus(encounterId, 'submitted', null, null, now);
      this.store.prepared('DELETE FROM coding_drafts WHERE encounter_id = ?').run(encounterId);
      this.recordAction(principal, encounterId, 'submit', 'in_progress', seq, clientMutationId, now);
      this.store.audit.append({ principal, action: 'coding.submit', entity: 'encounter', entityId: encounterId, detail: { clientMutationId, codes: payload.codes.map((c) => c.code), rejected: payload.rejected.map((c) => c.code) } }, now);
      return { clientMutationId, outboxSeq: seq, repeated: false };
    });
    if (!result.repeated) this.store.notifyChange([encounterId]);
    return { clientMutationId: result.clientMutationId, outboxSeq: result.outboxSeq };
  }

  /** Puts a claimed encounter on hold, or pending a physician query; it leaves the queue until released. */
  hold(encounterId: string, principal: string, kind: 'hold' | 'query', reason: string): WorklistItem {
    const now = this.store.now();
    this.store.write(() => {
      this.ownedInProgress(encounterId, principal);
      const seq = this.enqueue(kind, encounterId, principal, { encounterId, reason });
      this.setStatus(encounterId, kind, principal, null, now);
      this.recordAction(principal, encounterId, kind, 'in_progress', seq, null, now);
      this.store.audit.append({ principal, action: kind === 'hold' ? 'worklist.hold' : 'worklist.query', entity: 'encounter', entityId: encounterId, detail: { reasonChars: reason.length } }, now);
    });
    this.store.notifyChange([encounterId]);
    return this.item(this.row(encounterId));
  }

  /** Gives a claimed, held or queried encounter back to the queue; its draft stays. */
  release(encounterId: string, principal: string): WorklistItem {
    const now = this.store.now();
    this.store.write(() => {
      const row = this.row(encounterId);
      if (!['in_progress', 'hold', 'query'].includes(row.status) || row.lease_owner !== principal) {
        throw new StoreError('conflict', `Encounter ${encounterId} is not held by you (it is ${row.status.replace('_', ' ')}).`);
      }
      const seq = this.enqueue('release', encounterId, principal, { encounterId, from: row.status });
      this.setStatus(encounterId, 'ready', null, null, now);
      this.recordAction(principal, encounterId, 'release', row.status, seq, null, now);
      this.store.audit.append({ principal, action: 'worklist.release', entity: 'encounter', entityId: encounterId, detail: { from: row.status } }, now);
    });
    this.store.notifyChange([encounterId]);
    return this.item(this.row(encounterId));
  }

  /**
   * Undoes this person's last submit, hold, query or release. An outbox row never sent is withdrawn in
   * the same transaction; once sent (or acknowledged), a compensating mutation is queued instead.
   */
  undo(principal: string): UndoResult | null {
    const now = this.store.now();
    const result = this.store.write((): UndoResult | null => {
      const action = this.store
        .prepared<[string], { id: number; encounter_id: string; kind: 'submit' | 'hold' | 'query' | 'release'; prev_status: WorkStatus; outbox_seq: number | null; client_mutation_id: string | null }>(
          'SELECT id, encounter_id, kind, prev_status, outbox_seq, client_mutation_id FROM worklist_actions WHERE principal = ? AND undone_ms IS NULL ORDER BY id DESC LIMIT 1',
        )
        .get(principal);
      if (!action) return null;
      const row = this.row(action.encounter_id);
      const producedStatus: Record<typeof action.kind, WorkStatus> = { submit: 'submitted', hold: 'hold', query: 'query', release: 'ready' };
      if (row.status !== producedStatus[action.kind]) {
        throw new StoreError('conflict', `Encounter ${action.encounter_id} changed since your last ${action.kind} (it is now ${row.status.replace('_', ' ')}); there is nothing to undo.`);
      }
      let how: UndoResult['how'] = 'local';
      if (action.outbox_seq !== null) {
        const out = this.store.prepared<[number], { client_mutation_id: string; attempts: number; acked_ms: number | null }>('SELECT client_mutation_id, attempts, acked_ms FROM outbox WHERE seq = ?').get(action.outbox_seq);
        if (out && out.attempts === 0 && out.acked_ms === null) {
          this.store.prepared('DELETE FROM outbox WHERE seq = ?').run(action.outbox_seq);
          how = 'withdrawn';
        } else {
          this.enqueue('undo', action.encounter_id, principal, { encounterId: action.encounter_id, undoes: out?.client_mutation_id ?? action.client_mutation_id, kind: action.kind });
          how = 'compensated';
        }
      }
      const restored = action.prev_status;
      const leaseExpiry = restored === 'in_progress' ? now + this.leaseMs : null;
      this.setStatus(action.encounter_id, restored, restored === 'ready' ? null : principal, leaseExpiry, now);
      if (action.kind === 'submit' && action.client_mutation_id) {
        const res = this.store.prepared<[string], { payload: string }>('SELECT payload FROM coding_results WHERE client_mutation_id = ?').get(action.client_mutation_id);
        this.store.prepared('UPDATE coding_results SET withdrawn_ms = ? WHERE client_mutation_id = ?').run(now, action.client_mutation_id);
        if (res) {
          const saved = JSON.parse(res.payload) as { draft: CodingDraft; revision: number };
          this.store
            .prepared('INSERT INTO coding_drafts (encounter_id, principal, payload, revision, base_server_revision, updated_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (encounter_id) DO UPDATE SET payload = excluded.payload, revision = excluded.revision, updated_ms = excluded.updated_ms')
            .run(action.encounter_id, principal, JSON.stringify(saved.draft), saved.revision, row.server_revision, now);
        }
      }
      this.store.prepared('UPDATE worklist_actions SET undone_ms = ? WHERE id = ?').run(now, action.id);
      this.store.audit.append({ principal, action: 'worklist.undo', entity: 'encounter', entityId: action.encounter_id, detail: { undid: action.kind, how } }, now);
      return { encounterId: action.encounter_id, undid: action.kind, how, status: restored };
    });
    if (result) this.store.notifyChange([result.encounterId]);
    return result;
  }

  // ---- helpers (inside transactions) ----

  private row(encounterId: string): EncounterRow {
    const row = this.store.prepared<[string], EncounterRow>('SELECT * FROM encounters WHERE id = ?').get(encounterId);
    if (!row) throw new StoreError('not_found', `No encounter ${encounterId} in this store.`);
    return row;
  }

  private ownedInProgress(encounterId: string, principal: string): EncounterRow {
    const row = this.row(encounterId);
    if (row.status !== 'in_progress' || row.lease_owner !== principal) {
      const who = row.lease_owner && row.lease_owner !== principal ? ' by someone else' : '';
      throw new StoreError('conflict', `Encounter ${encounterId} is not claimed by you (it is ${row.status.replace('_', ' ')}${who}); claim it first.`);
    }
    return row;
  }

  private setStatus(id: string, status: WorkStatus, owner: string | null, leaseExpiresMs: number | null, now: number): void {
    this.store.prepared('UPDATE encounters SET status = ?, lease_owner = ?, lease_expires_ms = ?, status_changed_ms = ?, updated_ms = ? WHERE id = ?').run(status, owner, leaseExpiresMs, now, now, id);
  }

  private enqueue(kind: string, encounterId: string, principal: string, payload: unknown, clientMutationId: string = randomUUID()): number {
    const info = this.store
      .prepared('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(clientMutationId, kind, encounterId, principal, JSON.stringify(payload), this.store.now());
    return Number(info.lastInsertRowid);
  }

  private recordAction(principal: string, encounterId: string, kind: string, prevStatus: WorkStatus, outboxSeq: number | null, cmid: string | null, now: number): void {
    this.store.prepared('INSERT INTO worklist_actions (principal, encounter_id, kind, prev_status, outbox_seq, client_mutation_id, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)').run(principal, encounterId, kind, prevStatus, outboxSeq, cmid, now);
  }

  private item(r: EncounterRow): WorklistItem {
    return toItem(r, this.store.now());
  }

}
