import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

type Db = Database.Database;

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  readonly principal: string;
  /** What happened, dotted: `phi.read`, `coding.submit`, `worklist.hold`, … */
  readonly action: string;
  readonly entity?: string | null;
  readonly entityId?: string | null;
  /** Small JSON-able facts about the action; never note text. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditRow {
  seq: number;
  at_ms: number;
  principal: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export function auditHash(prevHash: string, row: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  const body = JSON.stringify([row.seq, row.at_ms, row.principal, row.action, row.entity, row.entity_id, row.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * The append-only audit log: each row carries the hash of the one before it, and the newest hash is
 * kept in `store_meta` as well, so an edited, deleted, inserted or reordered row breaks the chain.
 * Call `append` inside the transaction of the action it records.
 */
export class AuditLog {
  private readonly last;
  private readonly insert;
  private readonly setHead;

  constructor(private readonly db: Db) {
    this.last = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare('INSERT INTO audit_log (seq, at_ms, principal, action, entity, entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.setHead = db.prepare("INSERT INTO store_meta (key, value) VALUES ('audit_head', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  }

  append(entry: AuditEntry, atMs: number): number {
    const prev = this.last.get();
    const row = {
      seq: (prev?.seq ?? 0) + 1,
      at_ms: atMs,
      principal: entry.principal,
      action: entry.action,
      entity: entry.entity ?? null,
      entity_id: entry.entityId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    };
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const hash = auditHash(prevHash, row);
    this.insert.run(row.seq, row.at_ms, row.principal, row.action, row.entity, row.entity_id, row.detail, prevHash, hash);
    this.setHead.run(JSON.stringify({ seq: row.seq, hash }));
    return row.seq;
  }
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first problem found, with the seq it was found at. */
  problems: { seq: number | null; problem: string }[];
}

/** Walks the whole chain. Works on a read-only connection. */
export function verifyAuditChain(db: Db): AuditVerification {
  const problems: AuditVerification['problems'] = [];
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  let lastHash = GENESIS_HASH;
  let lastSeq = 0;
  // rowid order is insertion order for an append-only table; seq order must agree with it.
  for (const row of db.prepare<[], AuditRow & { rid: number }>('SELECT rowid AS rid, * FROM audit_log ORDER BY rowid').iterate()) {
    rows++;
    if (row.seq !== expectedSeq) problems.push({ seq: row.seq, problem: `expected row ${expectedSeq} here, found ${row.seq}: a row was deleted, inserted or reordered` });
    if (row.prev_hash !== prevHash) problems.push({ seq: row.seq, problem: 'does not chain to the row before it' });
    const { prev_hash: _p, hash: _h, rid: _r, ...body } = row;
    if (auditHash(row.prev_hash, body) !== row.hash) problems.push({ seq: row.seq, problem: 'contents do not match its hash: the row was edited' });
    prevHash = row.hash;
    lastHash = row.hash;
    lastSeq = row.seq;
    expectedSeq = row.seq + 1;
    if (problems.length >= 20) break;
  }
  const head = db.prepare<[], { value: string }>("SELECT value FROM store_meta WHERE key = 'audit_head'").get();
  if (problems.length < 20) {
    if (head) {
      const parsed = JSON.parse(head.value) as { seq: number; hash: string };
      if (parsed.seq !== lastSeq || parsed.hash !== lastHash) problems.push({ seq: parsed.seq, problem: `the log ends at row ${lastSeq} but its recorded head is row ${parsed.seq}: rows at the end were deleted or replaced` });
    } else if (rows > 0) {
      problems.push({ seq: null, problem: 'the recorded head of the log is missing' });
    }
  }
  return { ok: problems.length === 0, rows, problems };
}
