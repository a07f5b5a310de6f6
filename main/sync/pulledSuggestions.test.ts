import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodeSuggester, NoteRevision, SuggestionResult } from '../inference/codeSuggester.js';
import { createMemoryLogger } from '../log/logger.js';
import { sampleEncounters } from '../store/storeTestKit.js';
import type { Store } from '../store/store.js';
import type { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { computePriority, DEFAULT_FORMULA, type PriorityInputs } from '../worklist/priority.js';
import { Worklist } from '../worklist/worklist.js';
import { OfflineStoreSync } from './offlineStoreSync.js';
import { AWAITING_SUGGESTIONS_SQL, PulledSuggestions } from './pulledSuggestions.js';
import { SyncEngine } from './syncEngine.js';
import { storeBesideWarehouse } from './syncTestKit.js';

/**
 * A suggester port that reads the note as a rule would: pneumonia → J18.9 (0.9), anything else → R69
 * (0.2). The embedded model itself is exercised by the first-run test; here the rules make the
 * confidence, and so the priority, predictable.
 */
class RuleSuggester implements CodeSuggester {
  readonly kind = 'embedded';
  readonly seen: NoteRevision[] = [];
  async suggest(note: NoteRevision): Promise<SuggestionResult> {
    this.seen.push(note);
    const at = note.text.indexOf('pneumonia');
    const codes = at >= 0 ? [{ code: 'J18.9', score: 0.9, evidence: [[at, at + 9]] as [number, number][] }] : [{ code: 'R69', score: 0.2, evidence: [] }];
    return { codes, procedures: [], source: 'embedded', modelVersion: 'rules-1', cached: false };
  }
  describe() {
    return { source: 'embedded' as const, version: 'rules-1' };
  }
  async dispose(): Promise<void> {}
}

const priorityOf = (inputs: PriorityInputs) => computePriority(inputs, DEFAULT_FORMULA, Date.now());

describe('suggestions for pulled encounters', () => {
  let store: Store;
  let warehouse: LocalWarehouse;
  let close: () => Promise<void>;
  let engine: SyncEngine;
  let suggester: RuleSuggester;
  let suggestions: PulledSuggestions;

  beforeEach(async () => {
    ({ store, warehouse, close } = await storeBesideWarehouse('atrium-pulled-suggest-'));
    await warehouse.upsertEncounters([
      { encounterId: 'E1', mrn: 'M1', dischargeDate: '2026-11-01', payer: 'Medicare', facility: 'Atrium General', sex: 'F', age: 71, synthetic: true },
      { encounterId: 'E2', mrn: 'M2', dischargeDate: '2026-11-01', payer: 'Medicare', facility: 'Atrium General', synthetic: true },
      { encounterId: 'E3', mrn: 'M3', dischargeDate: '2026-11-01', assignedTo: 'bob' },
    ]);
    await warehouse.upsertNotes([
      { noteId: 'N1', encounterId: 'E1', kind: 'discharge_summary', text: 'Admitted with pneumonia, treated with antibiotics.' },
      { noteId: 'N2', encounterId: 'E2', kind: 'discharge_summary', text: 'Observation only.' },
      { noteId: 'N3', encounterId: 'E3', kind: 'discharge_summary', text: 'Someone else is coding this.' },
    ]);
    engine = new SyncEngine({ store: new OfflineStoreSync(store, () => 'alice', priorityOf), warehouse: () => warehouse, log: createMemoryLogger() });
    suggester = new RuleSuggester();
    suggestions = new PulledSuggestions({ store, suggester: () => suggester, priorityOf, log: createMemoryLogger() });
  });

  afterEach(() => close());

  const row = (id: string) =>
    store.db.prepare<[string], { model_confidence: number | null; priority: number; payer: string; facility: string; sex: string | null; age: number | null; synthetic: number }>(
      'SELECT model_confidence, priority, payer, facility, sex, age, synthetic FROM encounters WHERE id = ?',
    ).get(id);
  const codes = (id: string) => store.db.prepare<[string], { code: string; evidence: string }>('SELECT code, evidence FROM suggestions WHERE encounter_id = ? ORDER BY code').all(id);

  it('stores the pulled worklist fields with a priority, then the model’s suggestions and a priority that counts its confidence', async () => {
    await engine.syncNow();
    expect(row('E1')).toMatchObject({ model_confidence: null, payer: 'Medicare', facility: 'Atrium General', sex: 'F', age: 71, synthetic: 1 });
    const unseen = row('E1')?.priority ?? 0;
    expect(unseen).toBe(priorityOf({ dischargeDate: '2026-11-01', payer: 'Medicare', drgImpact: null, modelConfidence: null, dueDate: null }));

    const progress: (number | null)[] = [];
    suggestions.onProgress((p) => progress.push(p ? p.done : null));
    expect(await suggestions.run()).toBe(2);
    // E3 is another coder's: the model is not run for it.
    expect(suggester.seen.map((n) => n.noteId).sort()).toEqual(['N1', 'N2']);
    expect(progress).toEqual([0, 2, null]);
    expect(codes('E1')).toEqual([{ code: 'J18.9', evidence: JSON.stringify([{ noteId: 'N1', start: 14, end: 23 }]) }]);
    expect(row('E1')?.model_confidence).toBe(0.9);
    expect(row('E1')?.priority).toBeLessThan(unseen);
    expect(row('E1')?.priority).toBe(priorityOf({ dischargeDate: '2026-11-01', payer: 'Medicare', drgImpact: null, modelConfidence: 0.9, dueDate: null }));
    expect(row('E2')?.model_confidence).toBe(0.2);
    expect(await suggestions.run()).toBe(0);
  });

  it('drops suggestions when the server edits a note, and suggests again for the new text', async () => {
    await engine.syncNow();
    await suggestions.run();
    await warehouse.editNote('N1', 'Pulmonary embolism; no pneumonia on imaging.');
    await engine.syncNow();
    expect(codes('E1')).toEqual([]);
    expect(row('E1')?.model_confidence).toBeNull();
    expect(await suggestions.run()).toBe(1);
    expect(codes('E1')).toEqual([{ code: 'J18.9', evidence: JSON.stringify([{ noteId: 'N1', start: 23, end: 32 }]) }]);
  });

  it('leaves encounters that were loaded with their own suggestions (ingest) alone', async () => {
    new Worklist(store).ingest({ encounters: sampleEncounters(2) }, { synthetic: true });
    store.write(() => store.db.prepare("INSERT INTO notes (id, encounter_id, kind, text, created_ms) SELECT id || '-n', id, 'note', 'pneumonia', 0 FROM encounters").run());
    expect(await suggestions.run()).toBe(0);
    expect(suggester.seen).toEqual([]);
  });

  it('finds the encounters awaiting suggestions through the partial index, not a scan of every encounter', () => {
    const plan = store.db
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${AWAITING_SUGGESTIONS_SQL}`)
      .all()
      .map((r) => r.detail)
      .join('\n');
    expect(plan).toMatch(/encounters USING INDEX encounters_awaiting_suggestions/);
    expect(plan).not.toMatch(/SCAN encounters\b(?! USING)/);
  });
});
