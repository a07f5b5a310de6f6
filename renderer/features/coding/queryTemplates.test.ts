import { describe, expect, it } from 'vitest';
import { fillQuery, MAX_QUERY_LENGTH, QUERY_TEMPLATES } from './queryTemplates';

const ctx = { encounterId: 'E1', age: 71, sex: 'F', admitDate: '2026-01-02T00:00:00Z', dischargeDate: '2026-01-06', code: 'J18.9', excerpt: 'infiltrate in the right lower lobe' };

describe('physician query templates', () => {
  it('fill each template with the encounter, the code and the evidence', () => {
    for (const t of QUERY_TEMPLATES) {
      const text = fillQuery(t.id, ctx);
      expect(text).toContain('Encounter E1, 71-year-old female, admitted 2026-01-02, discharged 2026-01-06.');
      expect(text).toContain('“infiltrate in the right lower lobe”');
      expect(text).toContain('J18.9');
    }
    expect(fillQuery('poa', ctx)).toMatch(/present at the time/);
  });

  it('read well without a code or excerpt, and never exceed the stored limit', () => {
    const text = fillQuery('specificity', { ...ctx, code: null, excerpt: null, age: null, sex: null });
    expect(text).toContain('Encounter E1, patient,');
    expect(text).not.toContain('considered');
    expect(fillQuery('clinical-validation', { ...ctx, encounterId: 'E'.repeat(5000) }).length).toBe(MAX_QUERY_LENGTH);
  });
});
