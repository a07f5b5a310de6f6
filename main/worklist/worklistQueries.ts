import type Database from 'better-sqlite3-multiple-ciphers';
import type { ChartSyncState, WorklistCounts, WorklistFilter, WorklistItem, WorklistListInput, WorklistPage, WorklistSort, WorkStatus } from '../../preload/contract.js';
import { StoreError } from '../store/storeErrors.js';
import { dnfbDays, isoDay } from './priority.js';

/**
 * The worklist's reads as plain functions over a connection, so the same code answers on the writer
 * connection (inside Worklist) and on the read-only connection of the store's read worker.
 */
export type Prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R>;

export interface EncounterRow {
  id: string;
  mrn: string;
  patient_name: string | null;
  sex: string | null;
  age: number | null;
  facility: string;
  payer: string;
  service_line: string;
  admit_date: string;
  discharge_date: string;
  disposition: string | null;
  due_date: string | null;
  drg_impact: number | null;
  model_confidence: number | null;
  /** '' while there is no estimate (migration 0005). */
  est_drg: string;
  est_drg_title: string | null;
  est_drg_weight: number | null;
  status: WorkStatus;
  /** Only in pages (ITEM_COLUMNS): where a submitted encounter's last submit stands. */
  sync_state?: ChartSyncState | null;
  priority: number;
  lease_owner: string | null;
  lease_expires_ms: number | null;
  server_revision: number;
  synthetic: number;
}

type ItemRow = Pick<EncounterRow, 'id' | 'patient_name' | 'sex' | 'age' | 'facility' | 'payer' | 'service_line' | 'admit_date' | 'discharge_date' | 'due_date' | 'drg_impact' | 'model_confidence' | 'est_drg' | 'est_drg_title' | 'est_drg_weight' | 'status' | 'sync_state' | 'priority' | 'lease_owner' | 'lease_expires_ms' | 'synthetic'>;
/** An outbox row's state (aliased `o`) as a ChartSyncState. */
const OUTBOX_STATE = "CASE WHEN o.acked_ms IS NOT NULL THEN 'acknowledged' WHEN o.last_error IS NOT NULL THEN 'retrying' ELSE 'pending' END";
/**
 * Where a submit (a `coding_results` row aliased `r`) stands with the warehouse, as SQL giving a
 * ChartSyncState. Its outbox row by client mutation id; once a refused submit is retried it travels
 * under a new id, so then the encounter's latest submit in the outbox. An outbox row leaves only when
 * dead-lettered, withdrawn by an undo (the result is marked withdrawn) or purged after its
 * acknowledgement, so a submit with none left and no dead letter was acknowledged.
 */
export const SUBMIT_SYNC_STATE_SQL = `CASE
  WHEN r.withdrawn_ms IS NOT NULL THEN 'withdrawn'
  WHEN EXISTS (SELECT 1 FROM dead_letters d WHERE d.encounter_id = r.encounter_id AND d.kind = 'submit_codes' AND d.created_ms >= r.submitted_ms) THEN 'dead-letter'
  ELSE coalesce(
    (SELECT ${OUTBOX_STATE} FROM outbox o WHERE o.client_mutation_id = r.client_mutation_id),
    (SELECT ${OUTBOX_STATE} FROM outbox o WHERE o.encounter_id = r.encounter_id AND o.kind = 'submit_codes' AND o.created_ms >= r.submitted_ms ORDER BY o.seq DESC LIMIT 1),
    'acknowledged')
END`;
const ITEM_COLUMNS = `id, patient_name, sex, age, facility, payer, service_line, admit_date, discharge_date, due_date, drg_impact, model_confidence, est_drg, est_drg_title, est_drg_weight, status, priority, lease_owner, lease_expires_ms, synthetic,
  CASE WHEN status = 'submitted' THEN (SELECT ${SUBMIT_SYNC_STATE_SQL} FROM coding_results r WHERE r.encounter_id = encounters.id AND r.withdrawn_ms IS NULL ORDER BY r.id DESC LIMIT 1) END AS sync_state`;
export const OPEN_STATUSES: readonly WorkStatus[] = ['ready', 'in_progress', 'hold', 'query'];

type Sort = WorklistSort;
type Cursor = { s: Sort; k: number | string; id: string };

/**
 * Each sort as its key column, direction and keyset condition. The condition repeats the bound alone
 * (`priority <= ?`) so that SQLite seeks to the cursor instead of scanning up to it.
 */
const SORTS: Readonly<Record<Sort, { key: 'priority' | 'discharge_date' | 'est_drg'; order: string; after: string }>> = {
  priority: { key: 'priority', order: 'priority DESC, id', after: '(priority <= ? AND (priority < ? OR id > ?))' },
  age: { key: 'discharge_date', order: 'discharge_date, id', after: '(discharge_date >= ? AND (discharge_date > ? OR id > ?))' },
  // Descending puts '' (no estimate) last.
  drg: { key: 'est_drg', order: 'est_drg DESC, id', after: '(est_drg <= ? AND (est_drg < ? OR id > ?))' },
};

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}
function decodeCursor(raw: string, sort: Sort): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (c.s === sort && typeof c.id === 'string' && (typeof c.k === 'number' || typeof c.k === 'string')) return c;
  } catch {
    /* fall through */
  }
  throw new StoreError('invalid', 'That page cursor does not belong to this list; start from the first page.');
}

export function filterSql(filter: WorklistFilter, now: number): { where: string[]; params: (string | number)[] } {
  const where = ['assigned = 1'];
  const params: (string | number)[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  inList('status', filter.status ?? OPEN_STATUSES);
  inList('facility', filter.facility);
  inList('payer', filter.payer);
  inList('service_line', filter.serviceLine);
  inList('est_drg', filter.estimatedDrg);
  if (filter.minAgeDays !== undefined) {
    where.push('discharge_date <= ?');
    params.push(isoDay(now - filter.minAgeDays * 86_400_000));
  }
  if (filter.maxAgeDays !== undefined) {
    where.push('discharge_date >= ?');
    params.push(isoDay(now - filter.maxAgeDays * 86_400_000));
  }
  if (filter.text) textFilter(filter.text, where, params);
  return { where, params };
}

/**
 * One keyset page. The ids are chosen first (an index answers the filter and the order without
 * visiting rows, see migrations 0003 and 0005), then only those rows are read.
 */
export function listPage(prepare: Prepare, input: WorklistListInput, now: number): WorklistPage {
  const sort: Sort = input.sort ?? 'priority';
  const limit = input.limit ?? 100;
  const { where, params } = filterSql(input.filter ?? {}, now);
  const { key, order, after } = SORTS[sort];
  if (input.cursor) {
    const c = decodeCursor(input.cursor, sort);
    where.push(after);
    params.push(c.k, c.k, c.id);
  }
  const rows = prepare<unknown[], EncounterRow>(
    `SELECT ${ITEM_COLUMNS} FROM encounters WHERE id IN (SELECT id FROM encounters WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?) ORDER BY ${order}`,
  ).all(...params, limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return {
    items: page.map((r) => toItem(r, now)),
    nextCursor: more && last ? encodeCursor({ s: sort, k: last[key], id: last.id }) : null,
  };
}

export function countWorklist(prepare: Prepare): Omit<WorklistCounts, 'readOnly' | 'readOnlyReason'> {
  const byStatus: Record<WorkStatus, number> = { ready: 0, in_progress: 0, hold: 0, query: 0, submitted: 0 };
  for (const r of prepare<[], { status: WorkStatus; n: number }>('SELECT status, count(*) AS n FROM encounters WHERE assigned = 1 GROUP BY status').all()) byStatus[r.status] = r.n;
  const unsent = prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE acked_ms IS NULL').get()?.n ?? 0;
  const dead = prepare<[], { n: number }>('SELECT count(*) AS n FROM dead_letters').get()?.n ?? 0;
  return { byStatus, unsentMutations: unsent, deadLetters: dead };
}

/**
 * Full-text search over every note: the first `limit` distinct encounters whose notes match, in index
 * order (no ranking: it stops as soon as it has enough). `query` is FTS5 syntax.
 */
export function searchEncounterIds(prepare: Prepare, query: string, limit: number): string[] {
  const found = new Set<string>();
  try {
    for (const r of prepare<[string], { encounter_id: string }>('SELECT n.encounter_id FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid WHERE notes_fts MATCH ?').iterate(query)) {
      found.add(r.encounter_id);
      if (found.size >= limit) break;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_ERROR') throw new StoreError('invalid', `Search could not be understood: ${(error as Error).message}`);
    throw error;
  }
  return [...found];
}

/**
 * The worklist's search box over the whole store, not only loaded rows: an encounter id prefix, an exact
 * MRN, a payer or service line prefix, or every word (as a prefix) in the encounter's notes via FTS.
 * The words are quoted for FTS5, so what a coder types is never read as FTS syntax.
 */
function textFilter(text: string, where: string[], params: (string | number)[]): void {
  const like = `${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).slice(0, 8);
  const clauses = ["id LIKE ? ESCAPE '\\'", 'mrn = ?', "payer LIKE ? ESCAPE '\\'", "service_line LIKE ? ESCAPE '\\'"];
  params.push(like, text.trim(), like, like);
  if (words.length > 0) {
    clauses.push('id IN (SELECT n.encounter_id FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid WHERE notes_fts MATCH ?)');
    params.push(words.map((w) => `"${w}"*`).join(' '));
  }
  where.push(`(${clauses.join(' OR ')})`);
}

/**
 * A note's date where its type fixes it: notes carry no date of their own in the store or the warehouse,
 * but a discharge summary is written at discharge and a history and physical at admission. Others: null.
 */
export function noteDate(kind: string, admitDate: string, dischargeDate: string): string | null {
  if (/discharge/i.test(kind)) return dischargeDate.slice(0, 10);
  if (/history|h&p|admission|admit/i.test(kind)) return admitDate.slice(0, 10);
  return null;
}

/** "Ana María López" -> "A.M.L."; null when the name is unknown. */
function initials(name: string | null): string | null {
  if (!name) return null;
  const letters = name.split(/[\s,-]+/).filter((p) => /^\p{L}/u.test(p)).map((p) => `${(p[0] as string).toUpperCase()}.`);
  return letters.length > 0 ? letters.join('') : null;
}

export function toItem(r: ItemRow, now: number): WorklistItem {
  return {
    id: r.id,
    patientInitials: initials(r.patient_name),
    age: r.age,
    sex: r.sex,
    facility: r.facility,
    payer: r.payer,
    serviceLine: r.service_line,
    admitDate: r.admit_date,
    dischargeDate: r.discharge_date,
    dnfbDays: dnfbDays(r.discharge_date, now),
    dueDate: r.due_date,
    drgImpact: r.drg_impact,
    modelConfidence: r.model_confidence,
    estimatedDrg: r.est_drg === '' ? null : { drg: r.est_drg, title: r.est_drg_title ?? '', weight: r.est_drg_weight },
    status: r.status,
    sync: r.sync_state ?? null,
    priority: r.priority,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_ms === null ? null : new Date(r.lease_expires_ms).toISOString(),
    synthetic: r.synthetic === 1,
  };
}
