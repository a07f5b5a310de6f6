import Database from 'better-sqlite3-multiple-ciphers';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EncounterInput, EncounterState, FiledVerification, LedgerRow, NoteInput, RawChangeInput, WarehouseAdmin } from '../admin.js';
import { payloadBytes, WarehouseError, type OutboundMutation, type PullPage, type PushOutcome, type PushResult, type RawChange, type RejectionReason, type Warehouse } from '../warehouse.js';

type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS encounters (
  encounter_id TEXT PRIMARY KEY, mrn TEXT NOT NULL, patient_name TEXT, admit_date TEXT, discharge_date TEXT,
  service_line TEXT, status TEXT NOT NULL DEFAULT 'open', assigned_to TEXT, version INTEGER NOT NULL DEFAULT 1,
  updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
  note_id TEXT PRIMARY KEY, encounter_id TEXT NOT NULL, note_kind TEXT NOT NULL, note_text TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1, updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS worklist_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL, entity_version INTEGER NOT NULL,
  op TEXT NOT NULL, payload TEXT, changed_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS worklist_changes_entity ON worklist_changes (entity, entity_id, entity_version);
CREATE TABLE IF NOT EXISTS coding_submissions (
  client_mutation_id TEXT PRIMARY KEY, coder TEXT NOT NULL, kind TEXT NOT NULL, encounter_id TEXT,
  client_seq INTEGER NOT NULL, payload TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, received_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS coding_submissions_pending ON coding_submissions (outcome);
CREATE TABLE IF NOT EXISTS image_verifications (
  client_mutation_id TEXT PRIMARY KEY, study_uid TEXT, verified_by TEXT NOT NULL, payload TEXT NOT NULL, received_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS desktop_audit (
  client_mutation_id TEXT PRIMARY KEY, actor TEXT NOT NULL, payload TEXT NOT NULL, received_at_ms INTEGER NOT NULL);
`;

/**
 * Encounter columns added after the first release of this file (the worklist's facts: who pays, where,
 * when it is due); added to an older warehouse file when it opens.
 */
const WORKLIST_COLUMNS = [
  ['sex', 'TEXT'],
  ['age', 'INTEGER'],
  ['facility', 'TEXT'],
  ['payer', 'TEXT'],
  ['disposition', 'TEXT'],
  ['due_date', 'TEXT'],
  ['synthetic', 'INTEGER NOT NULL DEFAULT 0'],
] as const;

interface EncounterRow {
  encounter_id: string;
  mrn: string;
  patient_name: string | null;
  admit_date: string | null;
  discharge_date: string | null;
  service_line: string | null;
  sex: 'F' | 'M' | 'U' | null;
  age: number | null;
  facility: string | null;
  payer: string | null;
  disposition: string | null;
  due_date: string | null;
  synthetic: number;
  status: string;
  assigned_to: string | null;
  version: number;
  updated_at_ms: number;
}
interface NoteRow {
  note_id: string;
  encounter_id: string;
  note_kind: string;
  note_text: string;
  version: number;
  updated_at_ms: number;
}

/**
 * The embedded warehouse: one SQLite file with the Snowflake schema's semantics (ledger keyed on the
 * client mutation id, server-decided claims, a change table written only by `publish`, which plays the
 * part of the Snowflake task). It holds demo data, so it is not encrypted.
 */
export class LocalWarehouse implements Warehouse, WarehouseAdmin {
  readonly kind = 'local';
  readonly maxBatch = 5000;
  private db: Db | undefined;

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  async open(): Promise<void> {
    this.database();
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  async push(batch: readonly OutboundMutation[]): Promise<PushResult> {
    if (batch.length > this.maxBatch) throw new WarehouseError(`batch of ${batch.length} is over ${this.maxBatch}`, 'rejected', 'batch_too_large');
    const db = this.database();
    const now = this.now();
    const outcomes = db.transaction((): PushOutcome[] => {
      const insert = db.prepare(
        `INSERT INTO coding_submissions (client_mutation_id, coder, kind, encounter_id, client_seq, payload, outcome, reason, received_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', NULL, ?) ON CONFLICT (client_mutation_id) DO NOTHING`,
      );
      for (const m of batch) {
        if (insert.run(m.clientMutationId, m.coder, m.kind, m.encounterId, m.clientSeq, m.payload, now).changes === 0) continue;
        if (m.kind === 'audit') {
          db.prepare(`INSERT OR IGNORE INTO desktop_audit VALUES (?, ?, ?, ?)`).run(m.clientMutationId, m.coder, m.payload, now);
        } else if (m.kind === 'image_verification' && json(m.payload)) {
          // A payload that is not JSON is refused in the ledger below and never filed.
          db.prepare(`INSERT OR IGNORE INTO image_verifications VALUES (?, json_extract(?, '$.studyUid'), ?, ?, ?)`).run(m.clientMutationId, m.payload, m.coder, m.payload, now);
        }
      }
      this.decide(db, now);
      const read = db.prepare(`SELECT outcome, reason FROM coding_submissions WHERE client_mutation_id = ?`);
      return batch.map((m) => {
        const row = read.get(m.clientMutationId) as { outcome: string; reason: string | null };
        return row.outcome === 'accepted'
          ? { clientMutationId: m.clientMutationId, status: 'accepted' as const }
          : { clientMutationId: m.clientMutationId, status: 'rejected' as const, reason: (row.reason ?? 'invalid') as RejectionReason };
      });
    })();
    return { outcomes, bytes: payloadBytes(batch) };
  }

  async pull(cursor: number, limit: number): Promise<PullPage> {
    const rows = this.database()
      .prepare(
        `SELECT seq, entity, entity_id, entity_version, op, payload, changed_at_ms FROM worklist_changes WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
      .all(cursor, limit) as { seq: number; entity: unknown; entity_id: unknown; entity_version: unknown; op: unknown; payload: unknown; changed_at_ms: unknown }[];
    let bytes = 0;
    const changes: RawChange[] = rows.map((r) => {
      bytes += typeof r.payload === 'string' ? Buffer.byteLength(r.payload) : 0;
      return { seq: r.seq, entity: r.entity, entityId: r.entity_id, entityVersion: r.entity_version, op: r.op, payload: r.payload, changedAtMs: r.changed_at_ms };
    });
    return { changes, nextCursor: changes.at(-1)?.seq ?? cursor, hasMore: rows.length === limit, bytes };
  }

  // ---- WarehouseAdmin ----

  async upsertEncounters(encounters: readonly EncounterInput[]): Promise<void> {
    const db = this.database();
    const now = this.now();
    db.transaction(() => {
      const stmt = db.prepare(
        `INSERT INTO encounters (encounter_id, mrn, patient_name, admit_date, discharge_date, service_line, sex, age, facility, payer, disposition, due_date, synthetic,
           status, assigned_to, version, updated_at_ms)
         VALUES (@encounterId, @mrn, @patientName, @admitDate, @dischargeDate, @serviceLine, @sex, @age, @facility, @payer, @disposition, @dueDate, @synthetic,
           'open', @assignedTo, 1, @now)
         ON CONFLICT (encounter_id) DO UPDATE SET mrn = excluded.mrn, patient_name = excluded.patient_name, admit_date = excluded.admit_date,
           discharge_date = excluded.discharge_date, service_line = excluded.service_line, sex = excluded.sex, age = excluded.age,
           facility = excluded.facility, payer = excluded.payer, disposition = excluded.disposition, due_date = excluded.due_date,
           synthetic = excluded.synthetic, assigned_to = excluded.assigned_to, version = encounters.version + 1, updated_at_ms = excluded.updated_at_ms`,
      );
      for (const e of encounters) {
        stmt.run({
          encounterId: e.encounterId,
          mrn: e.mrn,
          patientName: e.patientName ?? null,
          admitDate: e.admitDate ?? null,
          dischargeDate: e.dischargeDate ?? null,
          serviceLine: e.serviceLine ?? null,
          sex: e.sex ?? null,
          age: e.age ?? null,
          facility: e.facility ?? null,
          payer: e.payer ?? null,
          disposition: e.disposition ?? null,
          dueDate: e.dueDate ?? null,
          synthetic: e.synthetic ? 1 : 0,
          assignedTo: e.assignedTo ?? null,
          now,
        });
      }
      this.publish(db);
    })();
  }

  async upsertNotes(notes: readonly NoteInput[]): Promise<void> {
    const db = this.database();
    const now = this.now();
    db.transaction(() => {
      const stmt = db.prepare(
        `INSERT INTO notes (note_id, encounter_id, note_kind, note_text, version, updated_at_ms) VALUES (?, ?, ?, ?, 1, ?)
         ON CONFLICT (note_id) DO UPDATE SET note_text = excluded.note_text, note_kind = excluded.note_kind,
           version = notes.version + 1, updated_at_ms = excluded.updated_at_ms`,
      );
      for (const n of notes) stmt.run(n.noteId, n.encounterId, n.kind, n.text, now);
      this.publish(db);
    })();
  }

  async reassign(encounterId: string, coder: string | null): Promise<void> {
    this.updateEncounter(`assigned_to = ?`, [coder], encounterId);
  }

  async voidEncounter(encounterId: string): Promise<void> {
    this.updateEncounter(`status = 'voided'`, [], encounterId);
  }

  async editNote(noteId: string, text: string): Promise<void> {
    const db = this.database();
    db.transaction(() => {
      const r = db.prepare(`UPDATE notes SET note_text = ?, version = version + 1, updated_at_ms = ? WHERE note_id = ?`).run(text, this.now(), noteId);
      if (r.changes === 0) throw new WarehouseError(`no note ${noteId}`, 'rejected', 'not_found');
      this.publish(db);
    })();
  }

  async insertRawChange(change: RawChangeInput): Promise<void> {
    this.database()
      .prepare(`INSERT INTO worklist_changes (entity, entity_id, entity_version, op, payload, changed_at_ms) VALUES (?, ?, ?, 'upsert', ?, ?)`)
      .run(change.entity, change.entityId, change.entityVersion, change.payload, this.now());
  }

  async ledger(): Promise<LedgerRow[]> {
    return (
      this.database()
        .prepare(`SELECT client_mutation_id, kind, coder, outcome, reason FROM coding_submissions ORDER BY received_at_ms, client_seq`)
        .all() as { client_mutation_id: string; kind: string; coder: string; outcome: string; reason: string | null }[]
    ).map((r) => ({ clientMutationId: r.client_mutation_id, kind: r.kind, coder: r.coder, outcome: r.outcome, reason: r.reason }));
  }

  async encounter(encounterId: string): Promise<EncounterState | null> {
    const row = this.database().prepare(`SELECT * FROM encounters WHERE encounter_id = ?`).get(encounterId) as EncounterRow | undefined;
    return row ? { encounterId: row.encounter_id, status: row.status, assignedTo: row.assigned_to, version: row.version } : null;
  }

  async changeCount(): Promise<number> {
    return (this.database().prepare(`SELECT count(*) AS n FROM worklist_changes`).get() as { n: number }).n;
  }

  async imageVerifications(): Promise<FiledVerification[]> {
    return (
      this.database().prepare(`SELECT client_mutation_id, study_uid, verified_by, payload FROM image_verifications ORDER BY received_at_ms, client_mutation_id`).all() as {
        client_mutation_id: string;
        study_uid: string | null;
        verified_by: string;
        payload: string;
      }[]
    ).map((r) => ({ clientMutationId: r.client_mutation_id, studyUid: r.study_uid, verifiedBy: r.verified_by, payload: r.payload }));
  }

  // ---- internals ----

  private database(): Db {
    if (!this.db) {
      mkdirSync(dirname(this.file), { recursive: true });
      const db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      const present = new Set((db.prepare(`PRAGMA table_info(encounters)`).all() as { name: string }[]).map((c) => c.name));
      for (const [name, type] of WORKLIST_COLUMNS) if (!present.has(name)) db.exec(`ALTER TABLE encounters ADD COLUMN ${name} ${type}`);
      this.db = db;
    }
    return this.db;
  }

  private updateEncounter(set: string, params: unknown[], encounterId: string): void {
    const db = this.database();
    db.transaction(() => {
      const r = db.prepare(`UPDATE encounters SET ${set}, version = version + 1, updated_at_ms = ? WHERE encounter_id = ?`).run(...params, this.now(), encounterId);
      if (r.changes === 0) throw new WarehouseError(`no encounter ${encounterId}`, 'rejected', 'not_found');
      this.publish(db);
    })();
  }

  /** The server's decision on pending ledger rows: the same rules as the Snowflake push SQL. */
  private decide(db: Db, now: number): void {
    db.prepare(
      `UPDATE coding_submissions SET outcome = 'rejected', reason = 'invalid' WHERE outcome = 'pending' AND json_valid(payload) = 0`,
    ).run();
    const winners = db
      .prepare(
        `SELECT encounter_id, coder FROM (
           SELECT encounter_id, coder, ROW_NUMBER() OVER (PARTITION BY encounter_id ORDER BY received_at_ms, client_seq, client_mutation_id) AS rn
           FROM coding_submissions WHERE outcome = 'pending' AND kind = 'claim') WHERE rn = 1`,
      )
      .all() as { encounter_id: string; coder: string }[];
    const assign = db.prepare(
      `UPDATE encounters SET assigned_to = ?, version = version + 1, updated_at_ms = ? WHERE encounter_id = ? AND assigned_to IS NULL AND status = 'open'`,
    );
    for (const w of winners) assign.run(w.coder, now, w.encounter_id);
    db.prepare(
      `UPDATE coding_submissions SET
         outcome = CASE WHEN e.status = 'voided' THEN 'rejected' WHEN e.assigned_to = coding_submissions.coder THEN 'accepted' ELSE 'rejected' END,
         reason = CASE WHEN e.status = 'voided' THEN 'encounter_voided' WHEN e.assigned_to = coding_submissions.coder THEN NULL
                       WHEN coding_submissions.kind = 'claim' THEN 'claimed_by_other' ELSE 'not_assigned' END
       FROM encounters e
       WHERE e.encounter_id = coding_submissions.encounter_id AND coding_submissions.outcome = 'pending' AND coding_submissions.kind IN ('claim', 'submit_codes')`,
    ).run();
    db.prepare(
      `UPDATE coding_submissions SET outcome = 'rejected', reason = 'unknown_encounter' WHERE outcome = 'pending' AND kind IN ('claim', 'submit_codes')`,
    ).run();
    db.prepare(`UPDATE coding_submissions SET outcome = 'accepted' WHERE outcome = 'pending'`).run();
    if (winners.length > 0) this.publish(db);
  }

  /** The publish task: each new version of an encounter or note becomes one change row. */
  private publish(db: Db): void {
    const encounters = db
      .prepare(
        `SELECT e.* FROM encounters e WHERE e.version > COALESCE((SELECT MAX(c.entity_version) FROM worklist_changes c WHERE c.entity = 'encounter' AND c.entity_id = e.encounter_id), 0)
         ORDER BY e.updated_at_ms, e.encounter_id`,
      )
      .all() as EncounterRow[];
    const insert = db.prepare(`INSERT INTO worklist_changes (entity, entity_id, entity_version, op, payload, changed_at_ms) VALUES (?, ?, ?, 'upsert', ?, ?)`);
    for (const e of encounters) {
      const payload = {
        encounterId: e.encounter_id,
        mrn: e.mrn,
        patientName: e.patient_name,
        admitDate: e.admit_date,
        dischargeDate: e.discharge_date,
        serviceLine: e.service_line,
        sex: e.sex,
        age: e.age,
        facility: e.facility,
        payer: e.payer,
        disposition: e.disposition,
        dueDate: e.due_date,
        synthetic: e.synthetic === 1,
        status: e.status,
        assignedTo: e.assigned_to,
        version: e.version,
      };
      insert.run('encounter', e.encounter_id, e.version, JSON.stringify(payload), e.updated_at_ms);
    }
    const notes = db
      .prepare(
        `SELECT n.* FROM notes n WHERE n.version > COALESCE((SELECT MAX(c.entity_version) FROM worklist_changes c WHERE c.entity = 'note' AND c.entity_id = n.note_id), 0)
         ORDER BY n.updated_at_ms, n.note_id`,
      )
      .all() as NoteRow[];
    for (const n of notes) {
      const payload = { noteId: n.note_id, encounterId: n.encounter_id, kind: n.note_kind, text: n.note_text, version: n.version };
      insert.run('note', n.note_id, n.version, JSON.stringify(payload), n.updated_at_ms);
    }
  }
}

function json(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
