/**
 * Builds the compact MS-DRG v41.1 definitions file in resources/msdrg/ from the CMS appendix tables in
 * ../shared/data/codesets/msdrg-v41.1 (US government work, public domain; repackaged from MIT-licensed
 * R packages). Run: npm run msdrg:build  (output is deterministic; commit it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MSDRG_FILE, type MsDrgData } from '../cloud/model/grouper/tables.js';
import { parseCsv } from './csv.js';

const source = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'codesets', 'msdrg-v41.1'));
const out = join(import.meta.dirname, '..', 'resources', 'msdrg');

/** A CSV of the CMS tables as header-keyed records. */
function readCsv(name: string): Record<string, string>[] {
  const rows = parseCsv(readFileSync(join(source, name), 'utf8'));
  const [header, ...body] = rows;
  if (!header) throw new Error(`${name}: empty`);
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])));
}

const col = (r: Record<string, string>, k: string): string => {
  const v = r[k];
  if (v === undefined) throw new Error(`missing column ${k}`);
  return v;
};

const drgs: MsDrgData['drgs'] = readCsv('appendixA_ms_drg_list_v41.1.csv').map((r) => [
  col(r, 'drg'),
  col(r, 'mdc'),
  col(r, 'drg_abb'),
  col(r, 'drg_description'),
]);

const dx: MsDrgData['dx'] = {};
const seen = new Set<string>();
for (const r of readCsv('appendixB_dx_mdc_drg_index_v41.1.csv')) {
  const code = col(r, 'icd_code');
  const key = `${code}|${col(r, 'mdc')}|${col(r, 'drg_range')}`;
  if (seen.has(key)) continue;
  seen.add(key);
  (dx[code] ??= []).push([col(r, 'mdc'), col(r, 'drg_range')]);
}

// Appendix C lists CC/MCC codes, some collapsed to a prefix (7th characters); G/H give each full code's level.
const cPrefix = new Map<string, string>();
for (const r of readCsv('appendixC_cc_exclusions_v41.1_codes.csv')) cPrefix.set(col(r, 'icd_code'), col(r, 'pdx_exclusion_collection'));
const cc: MsDrgData['cc'] = {};
for (const [file, level] of [['appendixG_cc_list_v41.1.csv', 'CC'], ['appendixH_mcc_list_v41.1.csv', 'MCC']] as const) {
  for (const r of readCsv(file)) {
    const code = col(r, 'icd_code');
    let collection: string | null = null;
    for (let n = code.length; n >= 3 && collection === null; n--) collection = cPrefix.get(code.slice(0, n)) ?? null;
    // "No Exc": Appendix C says no principal diagnosis excludes this code.
    cc[code] = [level, collection === 'No Exc' ? null : collection];
  }
}

const collections: MsDrgData['collections'] = {};
for (const r of readCsv('appendixC_cc_exclusions_v41.1_pdx_collections.csv')) {
  if (col(r, 'pdx_exclusion_collection') === 'No Exc' || col(r, 'pdx_icd_code') === '') continue;
  (collections[col(r, 'pdx_exclusion_collection')] ??= []).push(col(r, 'pdx_icd_code'));
}

const mce: MsDrgData['mce'] = readCsv('mce_code_edits_v41.1.csv').map((r) => [col(r, 'icd_code'), col(r, 'icd_conflict_group'), col(r, 'icd_conflict_rule')]);

const surgicalHierarchy: MsDrgData['surgicalHierarchy'] = readCsv('appendixD_surgical_hierarchy_v41.1.csv').map((r) => [
  col(r, 'mdc'),
  col(r, 'mdc_description'),
  col(r, 'drg_group'),
  col(r, 'drg_group_description'),
]);

const data: MsDrgData = {
  version: '41.1',
  attribution:
    'CMS MS-DRG v41.1 (FY2024) definitions, appendices A, B, C, D, G, H and the Medicare Code Editor table: US government work, public domain; repackaged from MIT-licensed R packages.',
  drgs,
  dx,
  cc,
  collections,
  mce,
  surgicalHierarchy,
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, MSDRG_FILE), gzipSync(Buffer.from(JSON.stringify(data), 'utf8'), { level: 9 }));
process.stderr.write(
  `${MSDRG_FILE}: ${drgs.length} DRGs, ${Object.keys(dx).length} principal dx, ${Object.keys(cc).length} CC/MCC, ${Object.keys(collections).length} exclusion collections, ${mce.length} MCE edits, ${surgicalHierarchy.length} hierarchy rows\n`,
);
