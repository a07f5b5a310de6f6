import type { Store } from './store.js';

export interface PurgeResult {
  outbox: number;
  codingResults: number;
  notes: number;
  suggestions: number;
  encounters: number;
}

/**
 * Purges what policy (`store.retentionDays`) no longer needs: outbox rows the warehouse acknowledged
 * before the cutoff, their coding results, and the notes of encounters no longer assigned here.
 * Unsent work (unacknowledged outbox rows, drafts, dead letters) is never touched.
 */
export function purgeExpired(store: Store, retentionDays: number, principal: string): PurgeResult {
  const now = store.now();
  const cutoff = now - retentionDays * 86_400_000;
  return store.write(() => {
    const db = store.db;
    const codingResults = db
      .prepare('DELETE FROM coding_results WHERE client_mutation_id IN (SELECT client_mutation_id FROM outbox WHERE acked_ms IS NOT NULL AND acked_ms < ?)')
      .run(cutoff).changes;
    const outbox = db.prepare('DELETE FROM outbox WHERE acked_ms IS NOT NULL AND acked_ms < ?').run(cutoff).changes;
    // Encounters no longer assigned to this station, untouched since the cutoff, with no unsent work.
    const gone = `SELECT e.id FROM encounters e WHERE e.assigned = 0 AND e.updated_ms < ?
      AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.encounter_id = e.id AND o.acked_ms IS NULL)
      AND NOT EXISTS (SELECT 1 FROM coding_drafts d WHERE d.encounter_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM dead_letters x WHERE x.encounter_id = e.id)`;
    const notes = db.prepare(`DELETE FROM notes WHERE encounter_id IN (${gone})`).run(cutoff).changes;
    const suggestions = db.prepare(`DELETE FROM suggestions WHERE encounter_id IN (${gone})`).run(cutoff).changes;
    const encounters = db
      .prepare(`DELETE FROM encounters WHERE id IN (${gone}) AND NOT EXISTS (SELECT 1 FROM coding_results r WHERE r.encounter_id = encounters.id)`)
      .run(cutoff).changes;
    const result = { outbox, codingResults, notes, suggestions, encounters };
    store.audit.append({ principal, action: 'store.purge', detail: { retentionDays, ...result } }, now);
    return result;
  });
}
