/**
 * The coder's productivity since a moment (the app session's start), computed from what the store
 * recorded, never from the renderer's own counting: charts submitted (coding_results not withdrawn),
 * minutes per chart (each submit's latest preceding claim in the audit log), the acceptance rate of
 * suggestions (accepted / (accepted + rejected) decisions in the submitted drafts) and, per chart, where
 * its outbox row stands with the warehouse.
 */
import { CodingDraftSchema, type ChartSyncState, type Productivity } from '../../preload/contract.js';
import type { Store } from '../store/store.js';
import { SUBMIT_SYNC_STATE_SQL } from '../worklist/worklistQueries.js';

interface ResultRow {
  encounter_id: string;
  payload: string;
  client_mutation_id: string;
  submitted_ms: number;
  withdrawn_ms: number | null;
  sync: ChartSyncState;
}

const RECENT = 20;

export function productivity(store: Store, principal: string, sinceMs: number): Productivity {
  return store.read(() => {
    const rows = store
      .prepared<[string, number], ResultRow>(
        `SELECT r.encounter_id, r.payload, r.client_mutation_id, r.submitted_ms, r.withdrawn_ms, ${SUBMIT_SYNC_STATE_SQL} AS sync
         FROM coding_results r
         WHERE r.principal = ? AND r.submitted_ms >= ? ORDER BY r.submitted_ms DESC, r.id DESC`,
      )
      .all(principal, sinceMs);
    const claimedAt = store.prepared<[string, string, number], { at_ms: number }>(
      "SELECT max(at_ms) AS at_ms FROM audit_log WHERE principal = ? AND action = 'worklist.claim' AND entity_id = ? AND at_ms <= ?",
    );
    let charts = 0;
    let minutes = 0;
    let timed = 0;
    const suggestions = { accepted: 0, rejected: 0, added: 0 };
    for (const r of rows) {
      if (r.withdrawn_ms !== null) continue;
      charts++;
      const claim = claimedAt.get(principal, r.encounter_id, r.submitted_ms)?.at_ms;
      if (typeof claim === 'number') {
        minutes += (r.submitted_ms - claim) / 60_000;
        timed++;
      }
      const draft = CodingDraftSchema.safeParse((JSON.parse(r.payload) as { draft?: unknown }).draft);
      if (draft.success) for (const c of draft.data.codes) suggestions[c.decision]++;
    }
    const decided = suggestions.accepted + suggestions.rejected;
    return {
      sinceMs,
      charts,
      minutesPerChart: timed > 0 ? Math.round((minutes / timed) * 10) / 10 : null,
      suggestions,
      acceptanceRate: decided > 0 ? suggestions.accepted / decided : null,
      recent: rows.slice(0, RECENT).map((r) => ({ encounterId: r.encounter_id, submittedAt: new Date(r.submitted_ms).toISOString(), sync: r.sync })),
    };
  });
}
