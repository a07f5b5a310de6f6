import type { Store } from '../store/store.js';

/**
 * The straightforward versions of the worklist's hot queries, kept only as the benchmark's baseline
 * (bench/store.bench.ts): OFFSET paging, counts and claim-next without the indexes, submit as separate
 * autocommit statements, and FTS ranking every match with bm25 before taking the first encounters.
 */
export function naivePage(store: Store, filter: { facility: string; payers: string[] }, offset: number, limit = 100): string[] {
  return store.db
    .prepare<unknown[], { id: string }>(
      `SELECT id, facility, payer, service_line, discharge_date, priority, status FROM encounters NOT INDEXED WHERE status = 'ready' AND assigned = 1 AND facility = ? AND payer IN (${filter.payers.map(() => '?').join(', ')}) ORDER BY priority DESC, id LIMIT ? OFFSET ?`,
    )
    .all(filter.facility, ...filter.payers, limit, offset)
    .map((r) => r.id);
}

export function naiveClaimAndSubmit(store: Store, principal: string, clientMutationId: string): string | null {
  const db = store.db;
  const next = db.prepare<[], { id: string }>("SELECT id FROM encounters NOT INDEXED WHERE status = 'ready' ORDER BY priority DESC, id LIMIT 1").get();
  if (!next) return null;
  const now = store.now();
  db.prepare("UPDATE encounters SET status = 'in_progress', lease_owner = ?, lease_expires_ms = ? WHERE id = ?").run(principal, now + 1_800_000, next.id);
  db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(`${clientMutationId}-claim`, 'claim', next.id, principal, '{}', now);
  db.prepare('INSERT INTO coding_results (encounter_id, principal, payload, client_mutation_id, submitted_ms) VALUES (?, ?, ?, ?, ?)').run(next.id, principal, '{}', clientMutationId, now);
  db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(clientMutationId, 'submit_codes', next.id, principal, '{}', now);
  db.prepare("UPDATE encounters SET status = 'submitted', lease_owner = NULL WHERE id = ?").run(next.id);
  return next.id;
}

/** Counts by status without the covering index: a table row visited per encounter. */
export function naiveCounts(store: Store): { status: string; n: number }[] {
  return store.db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM encounters NOT INDEXED WHERE assigned = 1 GROUP BY status').all();
}

export function naiveSearch(store: Store, query: string, limit = 50): string[] {
  const found = new Set<string>();
  const rows = store.db.prepare<[string], { encounter_id: string }>('SELECT n.encounter_id FROM notes_fts JOIN notes n ON n.rowid = notes_fts.rowid WHERE notes_fts MATCH ? ORDER BY bm25(notes_fts)').all(query);
  for (const r of rows) {
    found.add(r.encounter_id);
    if (found.size >= limit) break;
  }
  return [...found];
}

/** Terms of the FTS index with the number of notes each appears in (for picking queries by frequency). */
export function ftsTermFrequencies(store: Store): { term: string; docs: number }[] {
  store.db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.notes_vocab USING fts5vocab(main, 'notes_fts', 'row')");
  return store.db.prepare<[], { term: string; docs: number }>("SELECT term, doc AS docs FROM temp.notes_vocab WHERE term GLOB '[a-z][a-z][a-z]*' ORDER BY doc, term").all();
}
