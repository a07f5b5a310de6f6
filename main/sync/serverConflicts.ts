import type Database from 'better-sqlite3-multiple-ciphers';
import { CodingDraftSchema, type ConflictChoice, type ServerConflict } from '../../preload/contract.js';
import type { Change, EncounterPayload } from '../warehouse/warehouse.js';

/** One field the coder's local copy and the server's new version disagree on. */
interface Difference {
  readonly label: string;
  readonly mine: string | null;
  readonly theirs: string | null;
}
type Differences = Record<string, Difference>;

/** The encounter columns a pulled change writes, as the store keeps them (`applyPulled` writes exactly these). */
export function encounterColumns(r: EncounterPayload, me: string | null) {
  return {
    mrn: r.mrn,
    patientName: r.patientName,
    serviceLine: r.serviceLine ?? 'unassigned',
    admitDate: r.admitDate ?? '',
    dischargeDate: r.dischargeDate ?? '',
    sex: r.sex ?? null,
    age: r.age ?? null,
    facility: r.facility ?? 'unknown',
    payer: r.payer ?? 'unknown',
    disposition: r.disposition ?? null,
    dueDate: r.dueDate ?? null,
    synthetic: r.synthetic ? 1 : 0,
    // Voided, or held by another coder: no longer on this coder's worklist.
    assigned: r.status === 'open' && (r.assignedTo === null || r.assignedTo === me) ? 1 : 0,
  };
}

const ENCOUNTER_FIELDS = [
  ['mrn', 'MRN', 'mrn'],
  ['patient_name', 'Patient', 'patientName'],
  ['service_line', 'Service line', 'serviceLine'],
  ['admit_date', 'Admitted', 'admitDate'],
  ['discharge_date', 'Discharged', 'dischargeDate'],
  ['sex', 'Sex', 'sex'],
  ['age', 'Age', 'age'],
  ['facility', 'Facility', 'facility'],
  ['payer', 'Payer', 'payer'],
  ['disposition', 'Disposition', 'disposition'],
  ['due_date', 'Due', 'dueDate'],
] as const;

interface LocalEncounter {
  mrn: string;
  patient_name: string | null;
  service_line: string;
  admit_date: string;
  discharge_date: string;
  sex: string | null;
  age: number | null;
  facility: string;
  payer: string;
  disposition: string | null;
  due_date: string | null;
  assigned: number;
  draft: string | null;
}

function text(value: string | number | null): string | null {
  return value === null ? null : String(value);
}

function assignmentText(r: EncounterPayload | null, assigned: number): string {
  if (r?.status === 'voided') return 'Voided upstream';
  if (assigned === 1) return 'On your worklist';
  return r?.assignedTo ? `Reassigned to ${r.assignedTo}` : 'Not on your worklist';
}

/**
 * Server changes that land on an encounter with a local draft (or claimed, in progress): the change is
 * applied to the worklist tables (the server owns encounters and notes) but the draft is left as it is,
 * and what changed under it is kept side by side until the coder keeps the draft or takes the server's.
 * Runs inside `applyPulled`'s transaction, so a conflict is recorded with the change or not at all.
 */
export class ServerConflicts {
  // Prepared once per pulled page: `before` runs for every change in it.
  private readonly localEncounter: Database.Statement<[string], LocalEncounter>;
  private readonly localNote: Database.Statement<[string], { text: string }>;

  constructor(
    private readonly db: Database.Database,
    private readonly me: string | null,
  ) {
    this.localEncounter = db.prepare<[string], LocalEncounter>(
      `SELECT e.mrn, e.patient_name, e.service_line, e.admit_date, e.discharge_date, e.sex, e.age, e.facility, e.payer, e.disposition, e.due_date,
         e.assigned, d.payload AS draft
       FROM encounters e LEFT JOIN coding_drafts d ON d.encounter_id = e.id
       WHERE e.id = ? AND (d.encounter_id IS NOT NULL OR e.status = 'in_progress')`,
    );
    this.localNote = db.prepare<[string], { text: string }>('SELECT text FROM notes WHERE id = ?');
  }

  /** The local state a change is about to replace, or null when nobody is working on its encounter. */
  before(change: Change): { encounterId: string; draft: string | null; differences: Differences } | null {
    const encounterId = change.record.encounterId;
    const local = this.localEncounter.get(encounterId);
    if (!local) return null;
    const differences: Differences = {};
    if (change.entity === 'encounter') {
      const theirs = encounterColumns(change.record, this.me);
      for (const [column, label, key] of ENCOUNTER_FIELDS) differences[column] = { label, mine: text(local[column]), theirs: text(theirs[key]) };
      differences['assignment'] = { label: 'Assignment', mine: assignmentText(null, local.assigned), theirs: assignmentText(change.record, theirs.assigned) };
    } else {
      const note = this.localNote.get(change.entityId);
      differences[`note:${change.entityId}`] = { label: `Note ${change.record.kind} (${change.entityId})`, mine: note?.text ?? null, theirs: change.record.text };
    }
    return { encounterId, draft: local.draft, differences };
  }

  /** Records (or folds into the open conflict) a change that was applied; the coder's side stays as first seen. */
  record(before: { encounterId: string; draft: string | null; differences: Differences }, serverRevision: number, now: number): void {
    const open = this.db
      .prepare<[string], { id: number; differences: string }>('SELECT id, differences FROM server_conflicts WHERE encounter_id = ? AND resolved_ms IS NULL')
      .get(before.encounterId);
    const merged: Differences = open ? (JSON.parse(open.differences) as Differences) : {};
    for (const [key, d] of Object.entries(before.differences)) merged[key] = { ...d, mine: merged[key]?.mine ?? d.mine };
    const differing = Object.fromEntries(Object.entries(merged).filter(([, d]) => d.mine !== d.theirs));
    if (open) {
      // The server came back to what the coder had: nothing left to decide.
      if (Object.keys(differing).length === 0) this.db.prepare('DELETE FROM server_conflicts WHERE id = ?').run(open.id);
      else this.db.prepare('UPDATE server_conflicts SET differences = ?, server_revision = ? WHERE id = ?').run(JSON.stringify(differing), serverRevision, open.id);
    } else if (Object.keys(differing).length > 0) {
      this.db
        .prepare('INSERT INTO server_conflicts (encounter_id, differences, draft, server_revision, created_ms) VALUES (?, ?, ?, ?, ?)')
        .run(before.encounterId, JSON.stringify(differing), before.draft, serverRevision, now);
    }
  }

  /** Open conflicts, oldest first. */
  list(): ServerConflict[] {
    return this.db
      .prepare<[], { encounter_id: string; differences: string; draft: string | null; server_revision: number; created_ms: number }>(
        'SELECT encounter_id, differences, draft, server_revision, created_ms FROM server_conflicts WHERE resolved_ms IS NULL ORDER BY id',
      )
      .all()
      .map((r) => ({
        encounterId: r.encounter_id,
        serverRevision: r.server_revision,
        createdMs: r.created_ms,
        hasDraft: r.draft !== null,
        differences: Object.entries(JSON.parse(r.differences) as Differences).map(([field, d]) => ({ field, ...d })),
      }));
  }

  /**
   * `keep-mine`: the draft stays as it is and now counts as based on the server's revision (acknowledged).
   * `take-theirs`: the coder adopts the chart as the server has it (its fields and notes, already applied)
   * and the draft is rebased onto it (see `rebaseOnServer`). Returns false when the encounter has no open
   * conflict. The caller runs this in a write transaction.
   */
  resolve(encounterId: string, choice: ConflictChoice, now: number): boolean {
    const open = this.db
      .prepare<[string], { id: number; differences: string }>('SELECT id, differences FROM server_conflicts WHERE encounter_id = ? AND resolved_ms IS NULL')
      .get(encounterId);
    if (!open) return false;
    this.db.prepare('UPDATE server_conflicts SET resolved_ms = ?, resolution = ? WHERE id = ?').run(now, choice, open.id);
    if (choice === 'keep-mine') {
      this.db
        .prepare('UPDATE coding_drafts SET base_server_revision = (SELECT server_revision FROM encounters WHERE id = ?) WHERE encounter_id = ?')
        .run(encounterId, encounterId);
    } else {
      this.rebaseOnServer(encounterId, Object.keys(JSON.parse(open.differences) as Differences), now);
    }
    return true;
  }

  /**
   * The coder's own work carried onto the server's version of the chart:
   * - a chart that is no longer theirs (voided, reassigned) keeps no draft: work on it would be refused;
   * - codes the coder accepted or added stay, with principal, POA and sequencing: that judgement is
   *   theirs, the server never had it. Where sex or age changed, the workspace's code editor flags the
   *   codes the new demographics make invalid, for the coder to decide, rather than dropping them unseen;
   * - rejections go when a note changed: they were verdicts on suggestions from the old text, and the
   *   model suggests again from the new text (PulledSuggestions), for the coder to review afresh.
   * The draft's revision moves on, so a workspace still holding the old one reloads instead of saving over it.
   */
  private rebaseOnServer(encounterId: string, changedFields: readonly string[], now: number): void {
    const encounter = this.db.prepare<[string], { assigned: number; server_revision: number }>('SELECT assigned, server_revision FROM encounters WHERE id = ?').get(encounterId);
    const draft = this.db.prepare<[string], { payload: string }>('SELECT payload FROM coding_drafts WHERE encounter_id = ?').get(encounterId);
    if (!draft) return;
    const parsed = CodingDraftSchema.safeParse(JSON.parse(draft.payload));
    if (!encounter || encounter.assigned === 0 || !parsed.success) {
      this.db.prepare('DELETE FROM coding_drafts WHERE encounter_id = ?').run(encounterId);
      return;
    }
    const notesChanged = changedFields.some((field) => field.startsWith('note:'));
    const rebased = { ...parsed.data, codes: notesChanged ? parsed.data.codes.filter((c) => c.decision !== 'rejected') : parsed.data.codes };
    this.db
      .prepare('UPDATE coding_drafts SET payload = ?, revision = revision + 1, base_server_revision = ?, updated_ms = ? WHERE encounter_id = ?')
      .run(JSON.stringify(rebased), encounter.server_revision, now, encounterId);
  }
}
