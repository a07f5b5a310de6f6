import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CodeSet, type CodeSystem } from './index.js';

/** File names of the compact code sets under `resources/codesets/`. */
export const CODESET_FILES: Readonly<Record<CodeSystem, string>> = {
  icd10cm: 'icd10cm-fy2024.tsv.gz',
  icd10pcs: 'icd10pcs-fy2024.tsv.gz',
};

/** Reads one shipped code set from a resources folder (the app's, or `resources/` from source). */
export function loadCodeSet(resourcesDir: string, system: CodeSystem): CodeSet {
  const gz = readFileSync(join(resourcesDir, 'codesets', CODESET_FILES[system]));
  return CodeSet.parse(system, gunzipSync(gz).toString('utf8'));
}
