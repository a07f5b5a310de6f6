import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { openTestStore, sampleEncounters } from '../store/storeTestKit.js';
import { Worklist } from './worklist.js';

describe('note dates in the encounter detail', () => {
  it('dates a discharge summary at discharge and a history and physical at admission; others are undated', async () => {
    const worklist = new Worklist(await openTestStore(tempDir()));
    const [encounter] = sampleEncounters(1);
    if (!encounter) throw new Error('no encounter');
    const stay = { ...encounter, admitDate: '2026-01-02', dischargeDate: '2026-01-07' };
    const note = (id: string, kind: string) => ({ id, encounterId: stay.id, kind, text: 'Text.' });
    worklist.ingest({ encounters: [stay], notes: [note('a', 'history_and_physical'), note('b', 'progress_note'), note('c', 'discharge_summary (CodiEsp S1)')] }, { synthetic: true });
    expect(worklist.get(stay.id, 'coder').notes.map((n) => [n.id, n.date])).toEqual([
      ['a', '2026-01-02'],
      ['b', null],
      ['c', '2026-01-07'],
    ]);
  });
});
