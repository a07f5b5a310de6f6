/**
 * Builds the compact code sets in resources/codesets/ from the CMS order files in ../shared/data/codesets.
 * Run: npm run codesets:build  (output is deterministic; commit it).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CODESET_FILES } from '../cloud/model/codesets/node.js';
import { parseCsv } from './csv.js';

const source = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'codesets'));
const out = join(import.meta.dirname, '..', 'resources', 'codesets');


function write(name: string, header: string, lines: string[]): void {
  const body = `${header}\n${lines.join('\n')}\n`;
  writeFileSync(join(out, name), gzipSync(Buffer.from(body, 'utf8'), { level: 9 }));
  process.stderr.write(`${name}: ${lines.length} codes\n`);
}

mkdirSync(out, { recursive: true });
const clean = (s: string) => s.replace(/[\t\n]/g, ' ').trim();
const cm = parseCsv(readFileSync(join(source, 'icd10cm_fy2024_order.csv'), 'utf8')).slice(1);
write(
  CODESET_FILES.icd10cm,
  '# ICD-10-CM FY2024 (CMS/NCHS, US government work, public domain). code<TAB>billable<TAB>long description',
  cm.filter((r) => r[1]).map((r) => `${r[1]}\t${r[2] === '1' ? 1 : 0}\t${clean(r[3] ?? '')}`),
);
const pcs = parseCsv(readFileSync(join(source, 'icd10pcs_fy2024_order.csv'), 'utf8')).slice(1);
write(
  CODESET_FILES.icd10pcs,
  '# ICD-10-PCS FY2024 (CMS, US government work, public domain). code<TAB>valid<TAB>long description',
  pcs.filter((r) => r[1]).map((r) => `${r[1]}\t${r[2] === '1' ? 1 : 0}\t${clean(r[4] ?? '')}`),
);
