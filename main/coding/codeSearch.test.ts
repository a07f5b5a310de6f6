import { beforeAll, describe, expect, it } from 'vitest';
import { loadCodeSet } from '../../cloud/model/codesets/node.js';
import { sourceResourcesDir } from '../app/paths.js';
import { CodeSearchIndex, editDistance } from './codeSearch.js';

let cm: CodeSearchIndex;
let pcs: CodeSearchIndex;

beforeAll(() => {
  const dir = sourceResourcesDir();
  cm = new CodeSearchIndex(loadCodeSet(dir, 'icd10cm'));
  pcs = new CodeSearchIndex(loadCodeSet(dir, 'icd10pcs'));
});

const codes = (r: { hits: readonly { code: string }[] }) => r.hits.map((h) => h.code);

describe('code search over ICD-10-CM FY2024', () => {
  it('indexes the whole set', () => {
    expect(cm.size).toBe(97_296);
  });

  it('code prefix: J18 finds J18.9, the exact (non-billable) category first and flagged', () => {
    const r = cm.search('J18', 10);
    expect(codes(r)).toContain('J18.9');
    expect(r.hits[0]).toMatchObject({ code: 'J18', billable: false, match: 'code' });
    expect(r.hits.find((h) => h.code === 'J18.9')?.billable).toBe(true);
    expect(codes(cm.search('j18.9'))).toEqual(['J18.9']);
  });

  it('words: "pneumonia unspecified organism" ranks J18.9 first', () => {
    const r = cm.search('pneumonia unspecified organism', 10);
    expect(r.hits[0]?.code).toBe('J18.9');
    expect(r.hits.every((h) => /pneumon/i.test(h.description) && /organism/i.test(h.description))).toBe(true);
  });

  it('a typo still finds it: "pnuemonia" -> pneumonia, and says so', () => {
    const r = cm.search('pnuemonia', 10);
    expect(r.corrections).toEqual([{ from: 'pnuemonia', to: 'pneumonia' }]);
    expect(codes(r)).toContain('J18.9');
    expect(codes(cm.search('pnuemonia unspecifed organism', 5))).toContain('J18.9');
  });

  it('prefix of a word while typing, abbreviations, billable before headers', () => {
    expect(codes(cm.search('acute kidney fail', 5))).toContain('N17.9');
    expect(codes(cm.search('chf', 5))).toContain('I50.9');
    const r = cm.search('heart failure', 50);
    expect(r.hits[0]).toMatchObject({ code: 'I50.9', billable: true });
    // The I50 category is found too, flagged non-billable, and ranked below its billable twin.
    const header = r.hits.findIndex((h) => h.code === 'I50');
    expect(r.hits[header]?.billable).toBe(false);
    expect(header).toBeGreaterThan(0);
  });

  it('bad input gives empty, explained results, never a crash', () => {
    expect(cm.search('', 10)).toEqual({ hits: [], corrections: [], total: 0, ignored: [] });
    expect(cm.search('   ', 10).hits).toEqual([]);
    expect(cm.search('zzqqxx', 10)).toMatchObject({ hits: [], ignored: ['zzqqxx'] });
    expect(cm.search('Z99Z99Z', 10).hits).toEqual([]);
    expect(cm.search('%%%', 10).hits).toEqual([]);
    expect(cm.search('pneumonia', 0).hits).toHaveLength(1);
  });
});

describe('code search over ICD-10-PCS FY2024', () => {
  it('finds codes by prefix and words', () => {
    expect(codes(pcs.search('0DTJ4ZZ'))).toEqual(['0DTJ4ZZ']);
    expect(pcs.search('0DTJ', 50).hits.every((h) => h.code.startsWith('0DTJ'))).toBe(true);
    const r = pcs.search('resection appendix laparoscopic', 5);
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.some((h) => h.code === '0DTJ4ZZ')).toBe(true);
  });
});

describe('editDistance (optimal string alignment)', () => {
  it('counts a transposition as one edit and stops past the bound', () => {
    expect(editDistance('pnuemonia', 'pneumonia', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('abc', 'abcdef', 1)).toBe(2);
    expect(editDistance('same', 'same', 0)).toBe(0);
  });
});
