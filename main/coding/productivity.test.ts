import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist } from '../worklist/worklist.js';
import { productivity } from './productivity.js';

const MINUTE = 60_000;

describe('productivity from the store', () => {
  it('counts submitted charts, minutes from claim to submit, acceptance, and each chart’s sync state', async () => {
    let now = Date.UTC(2026, 0, 10, 9);
    const store = await openTestStore(tempDir(), { now: () => now });
    const worklist = new Worklist(store, { leaseMs: 60 * MINUTE });
    worklist.ingest({ encounters: sampleEncounters(5) }, { synthetic: true });
    const since = now;
    expect(productivity(store, 'coder', since)).toMatchObject({ charts: 0, minutesPerChart: null, acceptanceRate: null, recent: [] });

    const submitAfter = (minutes: number, codes: { code: string; decision: 'accepted' | 'rejected' | 'added'; principal?: boolean }[]) => {
      const item = worklist.claimNext('coder');
      if (!item) throw new Error('nothing to claim');
      now += minutes * MINUTE;
      worklist.saveDraft(item.id, 'coder', { codes: codes.map((c) => ({ ...c, system: 'ICD-10-CM' as const })) });
      return { id: item.id, ...worklist.submit(item.id, 'coder') };
    };
    const first = submitAfter(6, [
      { code: 'J18.9', decision: 'accepted', principal: true },
      { code: 'E11.9', decision: 'accepted' },
      { code: 'I10', decision: 'rejected' },
    ]);
    submitAfter(10, [
      { code: 'A41.9', decision: 'added', principal: true },
      { code: 'N17.9', decision: 'rejected' },
    ]);
    // Another coder's work and work before the session are not counted.
    expect(productivity(store, 'someone-else', since).charts).toBe(0);
    expect(productivity(store, 'coder', now + 1).charts).toBe(0);

    store.db.prepare('UPDATE outbox SET acked_ms = ? WHERE client_mutation_id = ?').run(now, first.clientMutationId);
    const p = productivity(store, 'coder', since);
    expect(p).toMatchObject({ charts: 2, minutesPerChart: 8, suggestions: { accepted: 2, rejected: 2, added: 1 }, acceptanceRate: 0.5 });
    expect(p.recent.map((r) => r.sync)).toEqual(['pending', 'acknowledged']);
    expect(p.recent[1]?.encounterId).toBe(first.id);

    // Undoing a submit withdraws it: it no longer counts.
    worklist.undo('coder');
    expect(productivity(store, 'coder', since)).toMatchObject({ charts: 1, recent: [{ sync: 'withdrawn' }, { sync: 'acknowledged' }] });
    store.close();
  });
});
