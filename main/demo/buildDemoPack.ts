/**
 * Builds `resources/demo/codiesp-en.json.gz` from the CodiEsp English case reports (dev split) in
 * ../shared/data/notes/codiesp. Run once by a maintainer: `npx tsx main/demo/buildDemoPack.ts [srcDir]`.
 * The app reads only the compacted pack, never ../shared.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SOURCE_ROOT } from '../app/paths.js';
import type { DemoPack } from './demoPack.js';

const src = process.argv[2] ?? join(SOURCE_ROOT, '..', 'shared', 'data', 'notes', 'codiesp', 'dev', 'text_files_en');
const files = readdirSync(src).filter((f) => f.endsWith('.txt')).sort();
const pack: DemoPack = {
  source: 'CodiEsp corpus (CLEF eHealth 2020), dev split, English machine translation',
  license: 'CC BY 4.0',
  attribution: 'Miranda-Escalada A, Gonzalez-Agirre A, Armengol-Estapé J, Krallinger M. CodiEsp corpus. Barcelona Supercomputing Center. Zenodo 10.5281/zenodo.3693570, 10.5281/zenodo.3837305',
  cases: files.map((f) => ({ id: f.replace(/\.txt$/, ''), text: readFileSync(join(src, f), 'utf8').trim() })),
};
const out = join(SOURCE_ROOT, 'resources', 'demo', 'codiesp-en.json.gz');
writeFileSync(out, gzipSync(JSON.stringify(pack), { level: 9 }));
process.stdout.write(`${pack.cases.length} cases -> ${out}\n`);
