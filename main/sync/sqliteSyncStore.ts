import Database from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Change, MutationKind } from '../warehouse/warehouse.js';
import type { ApplyResult, OutboxEntry, Quarantined, SyncStore } from './syncStore.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, client_mutation_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, coder TEXT NOT NULL,
  encounter_id TEXT, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, acked INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (acked, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
  client_mutation_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL, coder TEXT NOT NULL, encounter_id TEXT,
  payload TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, failed_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sync_cursors (stream TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sync_quarantine (seq INTEGER PRIMARY KEY, error TEXT NOT NULL, raw TEXT NOT NULL, at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS wh_encounters (encounter_id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL, assigned_to TEXT, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS wh_notes (note_id TEXT PRIMARY KEY, encounter_id TEXT NOT NULL, version INTEGER NOT NULL, record TEXT NOT NULL);
`;

/**
 * A `SyncStore` on one SQLite file: the sync engine's own implementation of its port, used by its
 * tests, the benchmark and the demo until the offline store (main/store) provides the outbox.
 */
export class SqliteSyncStore implements SyncStore {
  readonly db: Database.Database;
  /** Test seam: runs inside the apply transaction after the rows, before the cursor. */
  beforeCursorWrite: (() => void) | undefined;

  constructor(file: string, private readonly now: () => number = Date.now) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /** A local write: the row that sync will push. */
  enqueue(m: { kind: MutationKind; coder: string; encounterId: string | null; payload: unknown; clientMutationId?: string }): string {
    const id = m.clientMutationId ?? randomUUID();
    this.db
      .prepare(`INSERT INTO outbox (client_mutation_id, kind, coder, encounter_id, payload, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(id, m.kind, m.coder, m.encounterId, typeof m.payload === 'string' ? m.payload : JSON.stringify(m.payload), this.now());
    return id;
  }

  pendingCount(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM outbox WHERE acked = 0`).get() as { n: number }).n;
  }

  deadLetterCount(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM dead_letters`).get() as { n: number }).n;
  }

  /** This store keeps no drafts, so no server change can land under one. */
  serverConflictCount(): number {
    return 0;
  }

  nextBatch(limit: number, afterSeq = 0): OutboxEntry[] {
    const rows = this.db
      .prepare(`SELECT seq, client_mutation_id, kind, coder, encounter_id, payload, attempts FROM outbox WHERE acked = 0 AND seq > ? ORDER BY seq LIMIT ?`)
      .all(afterSeq, limit) as { seq: number; client_mutation_id: string; kind: MutationKind; coder: string; encounter_id: string | null; payload: string; attempts: number }[];
    return rows.map((r) => ({ clientMutationId: r.client_mutation_id, clientSeq: r.seq, kind: r.kind, coder: r.coder, encounterId: r.encounter_id, payload: r.payload, attempts: r.attempts }));
  }

  markAcked(ids: readonly string[]): void {
    // One statement for the whole batch: ten thousand single-row updates cost more than the request.
    this.db.prepare(`UPDATE outbox SET acked = 1, last_error = NULL WHERE client_mutation_id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids));
  }

  recordFailure(ids: readonly string[], error: string): void {
    const stmt = this.db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE client_mutation_id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(error.slice(0, 500), id);
    })();
  }

  deadLetter(entry: OutboxEntry, reason: string, detail: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO dead_letters (client_mutation_id, seq, kind, coder, encounter_id, payload, reason, detail, failed_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(entry.clientMutationId, entry.clientSeq, entry.kind, entry.coder, entry.encounterId, entry.payload, reason, detail.slice(0, 500), this.now());
      this.db.prepare(`DELETE FROM outbox WHERE client_mutation_id = ?`).run(entry.clientMutationId);
    })();
  }

  deadLetters(): { clientMutationId: string; kind: string; encounterId: string | null; reason: string; detail: string }[] {
    return (this.db.prepare(`SELECT client_mutation_id, kind, encounter_id, reason, detail FROM dead_letters ORDER BY seq`).all() as {
      client_mutation_id: string;
      kind: string;
      encounter_id: string | null;
      reason: string;
      detail: string;
    }[]).map((r) => ({ clientMutationId: r.client_mutation_id, kind: r.kind, encounterId: r.encounter_id, reason: r.reason, detail: r.detail }));
  }

  cursor(stream: string): number {
    return (this.db.prepare(`SELECT cursor FROM sync_cursors WHERE stream = ?`).get(stream) as { cursor: number } | undefined)?.cursor ?? 0;
  }

  applyPulled(stream: string, changes: readonly Change[], quarantined: readonly Quarantined[], cursor: number): ApplyResult {
    return this.db.transaction((): ApplyResult => {
      let applied = 0;
      let skipped = 0;
      const enc = this.db.prepare(
        `INSERT INTO wh_encounters (encounter_id, version, status, assigned_to, record) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (encounter_id) DO UPDATE SET version = excluded.version, status = excluded.status, assigned_to = excluded.assigned_to, record = excluded.record
         WHERE excluded.version > wh_encounters.version`,
      );
      const note = this.db.prepare(
        `INSERT INTO wh_notes (note_id, encounter_id, version, record) VALUES (?, ?, ?, ?)
         ON CONFLICT (note_id) DO UPDATE SET version = excluded.version, record = excluded.record WHERE excluded.version > wh_notes.version`,
      );
      for (const c of changes) {
        const r =
          c.entity === 'encounter'
            ? enc.run(c.entityId, c.version, c.record.status, c.record.assignedTo, JSON.stringify(c.record))
            : note.run(c.entityId, c.record.encounterId, c.version, JSON.stringify(c.record));
        if (r.changes > 0) applied++;
        else skipped++;
      }
      const q = this.db.prepare(`INSERT OR REPLACE INTO sync_quarantine (seq, error, raw, at_ms) VALUES (?, ?, ?, ?)`);
      for (const item of quarantined) q.run(item.seq, item.error, JSON.stringify(item.raw).slice(0, 10_000), this.now());
      this.beforeCursorWrite?.();
      this.db
        .prepare(`INSERT INTO sync_cursors (stream, cursor) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET cursor = MAX(sync_cursors.cursor, excluded.cursor)`)
        .run(stream, cursor);
      return { applied, skipped };
    })();
  }

  quarantined(): { seq: number; error: string }[] {
    return this.db.prepare(`SELECT seq, error FROM sync_quarantine ORDER BY seq`).all() as { seq: number; error: string }[];
  }

  encounter(id: string): { version: number; status: string; assignedTo: string | null } | null {
    const r = this.db.prepare(`SELECT version, status, assigned_to FROM wh_encounters WHERE encounter_id = ?`).get(id) as
      | { version: number; status: string; assigned_to: string | null }
      | undefined;
    return r ? { version: r.version, status: r.status, assignedTo: r.assigned_to } : null;
  }

  counts(): { encounters: number; notes: number } {
    const e = (this.db.prepare(`SELECT count(*) AS n FROM wh_encounters`).get() as { n: number }).n;
    const n = (this.db.prepare(`SELECT count(*) AS n FROM wh_notes`).get() as { n: number }).n;
    return { encounters: e, notes: n };
  }
}
