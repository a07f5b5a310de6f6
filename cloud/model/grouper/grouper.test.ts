import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCodeSet } from '../codesets/node.js';
import type { CodeSet } from '../codesets/index.js';
import { MsDrgGrouper, parseWeightsCsv, runMce, titleTiers, WeightsFormatError, type MsDrgTables } from './index.js';
import { loadMsDrgTables } from './node.js';

const resources = join(import.meta.dirname, '..', '..', '..', 'resources');
let tables: MsDrgTables;
let cm: CodeSet;
let pcs: CodeSet;
let grouper: MsDrgGrouper;

beforeAll(() => {
  tables = loadMsDrgTables(resources);
  cm = loadCodeSet(resources, 'icd10cm');
  pcs = loadCodeSet(resources, 'icd10pcs');
  grouper = new MsDrgGrouper(tables, { diagnoses: cm, procedures: pcs });
});

const enc = (principal: string | null, secondaries: string[] = [], procedures: string[] = []) => ({ principal, secondaries, procedures, age: 70, sex: 'F' as const });

describe('MS-DRG grouper (cases from the v41.1 tables)', () => {
  it('principal only: simple pneumonia J18.9 -> MDC 04, DRG 195 without CC/MCC, with the way up', () => {
    const r = grouper.group(enc('J18.9'));
    expect(r.status).toBe('grouped');
    expect(r.mdc?.code).toBe('04');
    expect(r.mdc?.description).toMatch(/respiratory/i);
    expect(r.drg?.drg).toBe('195');
    expect(r.drg?.title).toBe('SIMPLE PNEUMONIA AND PLEURISY WITHOUT CC/MCC');
    expect(r.tier).toBe('none');
    expect(r.family.map((f) => f.drg)).toEqual(['193', '194', '195']);
    expect(r.drivers).toEqual({ principal: 'J18.9', severity: [] });
    expect(r.whatIf.map((w) => w.drg)).toEqual(['193', '194']);
    expect(r.weight).toBeNull();
  });

  it('with a CC (E87.1 hyponatremia) -> DRG 194, and removing it goes back to 195', () => {
    const r = grouper.group(enc('J18.9', ['E87.1', 'I10']));
    expect(r.drg?.drg).toBe('194');
    expect(r.tier).toBe('CC');
    expect(r.drivers.severity).toEqual(['E87.1']);
    expect(r.secondaries).toEqual([
      { code: 'E87.1', level: 'CC', status: 'counts', exclusionCollection: null },
      { code: 'I10', level: null, status: 'not-cc', exclusionCollection: null },
    ]);
    expect(r.whatIf).toContainEqual(expect.objectContaining({ drg: '193' }));
    expect(r.whatIf).toContainEqual(expect.objectContaining({ change: expect.stringContaining('removing E87.1'), drg: '195' }));
  });

  it('with an MCC (J96.01 acute respiratory failure) -> DRG 193', () => {
    const r = grouper.group(enc('J18.9', ['E87.1', 'J96.01']));
    expect(r.drg?.drg).toBe('193');
    expect(r.tier).toBe('MCC');
    expect(r.drivers.severity).toEqual(['J96.01']);
  });

  it('an MCC excluded by the principal (J15.9 in collection 0113 with J18.9) does not count', () => {
    const r = grouper.group(enc('J18.9', ['J15.9']));
    expect(r.drg?.drg).toBe('195');
    expect(r.tier).toBe('none');
    expect(r.secondaries[0]).toEqual({ code: 'J15.9', level: 'MCC', status: 'excluded', exclusionCollection: '0113' });
    // The same MCC with an unrelated principal counts.
    expect(grouper.group(enc('I10', ['J15.9'])).tier).toBe('MCC');
  });

  it('a non-billable principal (J18 header) or an unknown code is reported, not grouped', () => {
    const header = grouper.group(enc('J18'));
    expect(header.status).toBe('ungroupable');
    expect(header.drg?.drg).toBe('999');
    expect(header.problems).toEqual([expect.objectContaining({ code: 'J18', kind: 'not-billable' })]);
    const unknown = grouper.group(enc('XYZ.123', ['NOPE']));
    expect(unknown.status).toBe('ungroupable');
    expect(unknown.problems.map((p) => p.kind)).toEqual(['unknown-code', 'invalid-principal']);
  });

  it('empty input: no principal is a clear problem, no crash', () => {
    const r = grouper.group({ principal: null, secondaries: [], procedures: [] });
    expect(r.status).toBe('ungroupable');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'missing-principal' })]);
    expect(grouper.group({ principal: '  ', secondaries: ['', ' '], procedures: [''] }).problems[0]?.kind).toBe('missing-principal');
  });

  it('procedures are never guessed: the medical DRG is returned and flagged', () => {
    const r = grouper.group(enc('J18.9', [], ['0BJ08ZZ']));
    expect(r.status).toBe('procedures-not-evaluated');
    expect(r.drg?.drg).toBe('195');
    expect(r.notes.join(' ')).toMatch(/operating-room designation/);
    expect(r.surgicalGroups.length).toBeGreaterThan(0);
    expect(grouper.group(enc('J18.9', [], ['0BJ08Z'])).problems).toEqual([expect.objectContaining({ kind: 'unknown-procedure' })]);
  });

  it('codes listed in Appendix B by a 7th-character prefix group (S72.001A hip fracture -> MDC 08, 535-536)', () => {
    const r = grouper.group(enc('S72.001A'));
    expect(r.mdc?.code).toBe('08');
    expect(r.drg?.drg).toBe('536');
    expect(r.family.map((f) => f.drg)).toEqual(['535', '536']);
    // External-cause codes are not principal diagnoses.
    expect(grouper.group(enc('V00.01XA')).status).toBe('ungroupable');
  });

  it('AMI splits by discharge status; sex picks MDC 12/13', () => {
    expect(grouper.group({ ...enc('I21.4'), dischargeStatus: 'alive' }).drg?.drg).toBe('282');
    expect(grouper.group({ ...enc('I21.4'), dischargeStatus: 'expired' }).drg?.drg).toBe('285');
    expect(grouper.group({ ...enc('A54.00'), sex: 'M' }).mdc?.code).toBe('12');
    expect(grouper.group({ ...enc('A54.00'), sex: 'F' }).mdc?.code).toBe('13');
  });

  it('weights show only when a table is loaded, and a bad table is refused', () => {
    const weighted = grouper.withWeights(parseWeightsCsv('DRG,Weight,GMLOS\n193,1.3,4.1\n195,0.65,\n'));
    expect(weighted.group(enc('J18.9')).weight).toEqual({ weight: 0.65, gmlos: null });
    expect(weighted.group(enc('J18.9', ['E87.1'])).weight).toBeNull();
    expect(() => parseWeightsCsv('drg,weight\n193,abc\n')).toThrow(WeightsFormatError);
    expect(() => parseWeightsCsv('code,value\n')).toThrow(/header/);
  });

  it('reads severity tiers from DRG titles', () => {
    expect(titleTiers('X WITH MCC')).toEqual(['MCC']);
    expect(titleTiers('X WITHOUT MCC')).toEqual(['CC', 'none']);
    expect(titleTiers('X WITH CC/MCC')).toEqual(['MCC', 'CC']);
    expect(titleTiers('X WITH CC OR TPA IN 24 HOURS')).toEqual(['CC']);
    expect(titleTiers('X WITHOUT CC/MCC')).toEqual(['none']);
  });
});

describe('Medicare Code Editor', () => {
  const mce = (input: Partial<Parameters<typeof runMce>[1]>) =>
    runMce(tables, { principal: 'J18.9', secondaries: [], procedures: [], age: 60, sex: 'M', ...input }, { diagnoses: cm, procedures: pcs });

  it('a newborn-only code on a 60-year-old is an age conflict', () => {
    const w = mce({ secondaries: ['A33'] });
    expect(w).toEqual([expect.objectContaining({ edit: 'age-conflict', code: 'A33', position: 'secondary', rule: 'Perinatal/Newborn (Age 0 Only)' })]);
    expect(mce({ principal: 'A33', age: 0 })).toEqual([]);
  });

  it('a female-only code on a male is a sex conflict', () => {
    expect(mce({ secondaries: ['A18.16'] })).toEqual([expect.objectContaining({ edit: 'sex-conflict', code: 'A18.16' })]);
    expect(mce({ secondaries: ['A18.16'], sex: 'F' })).toEqual([]);
    expect(mce({ secondaries: ['A18.16'], sex: null })).toEqual([]);
  });

  it('a manifestation code as principal is flagged, as a secondary it is not', () => {
    expect(mce({ principal: 'D63.1', secondaries: ['N18.6'] })).toEqual([expect.objectContaining({ edit: 'manifestation-as-principal', code: 'D63.1', position: 'principal' })]);
    expect(mce({ principal: 'N18.6', secondaries: ['D63.1'] })).toEqual([]);
  });

  it('invalid, non-billable, duplicate and missing codes', () => {
    const w = mce({ principal: null, secondaries: ['J18', 'FOO', 'E87.1', 'e871'], procedures: ['0BJ08ZZ', 'BAD'] });
    expect(w.map((x) => [x.edit, x.code])).toEqual([
      ['missing-principal', null],
      ['duplicate-of-principal', 'e871'],
      ['not-billable', 'J18'],
      ['invalid-code', 'FOO'],
      ['invalid-code', 'BAD'],
    ]);
  });
});
