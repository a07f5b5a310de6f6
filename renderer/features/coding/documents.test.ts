import { describe, expect, it } from 'vitest';
import { documentGroups } from './documents';

const note = (id: string, kind: string, date: string | null) => ({ id, kind, text: '', date });

describe('documents by type and date', () => {
  it('groups by type (the bracketed detail apart), oldest first within a type, undated last in filing order', () => {
    const groups = documentGroups([
      note('p2', 'progress_note', '2026-01-05'),
      note('u1', 'progress_note', null),
      note('ds', 'discharge_summary (CodiEsp S0004)', '2026-01-09'),
      note('p1', 'progress_note', '2026-01-03'),
      note('u2', 'progress_note', null),
    ]);
    expect(groups.map(([type, entries]) => [type, entries.map((e) => e.note.id)])).toEqual([
      ['discharge summary', ['ds']],
      ['progress note', ['p1', 'p2', 'u1', 'u2']],
    ]);
    expect(groups[0]?.[1][0]?.label).toBe('2026-01-09 · CodiEsp S0004');
    expect(groups[1]?.[1][3]?.label).toBe('undated');
  });
});
