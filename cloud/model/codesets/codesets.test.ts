import { describe, expect, it } from 'vitest';
import { sourceResourcesDir } from '../../../main/app/paths.js';
import { CodeSet, dottedCm, normalizeCode } from './index.js';
import { loadCodeSet } from './node.js';

describe('code sets', () => {
  it('parses the shipped format and looks codes up dotted or not, any case', () => {
    const set = CodeSet.parse('icd10cm', '# comment\nJ18\t0\tPneumonia, unspecified organism\nJ18.9\t1\tPneumonia, unspecified organism\n');
    expect(set.get('j189')).toEqual({ system: 'icd10cm', code: 'J18.9', description: 'Pneumonia, unspecified organism', billable: true });
    expect(set.get('J18')?.billable).toBe(false);
    expect(set.search('J18').map((e) => e.code)).toEqual(['J18', 'J18.9']);
    expect(set.search('pneumonia organism').map((e) => e.code)[0]).toBe('J18.9');
    expect(normalizeCode(' j18.9 ')).toBe('J189');
    expect(dottedCm('e119')).toBe('E11.9');
  });

  it('loads the shipped ICD-10-CM and ICD-10-PCS files', () => {
    const cm = loadCodeSet(sourceResourcesDir(), 'icd10cm');
    expect(cm.size).toBe(97_296);
    expect(cm.get('I10')?.description).toBe('Essential (primary) hypertension');
    expect(cm.entries().filter((e) => e.billable).length).toBe(74_044);
    const pcs = loadCodeSet(sourceResourcesDir(), 'icd10pcs');
    expect(pcs.get('0016070')?.billable).toBe(true);
  });
});
