import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MSDRG_FILE, MsDrgTables } from './tables.js';
import { parseWeightsCsv, type DrgWeights } from './weights.js';

/** Reads the shipped MS-DRG tables from a resources folder (the app's, or `resources/` from source). */
export function loadMsDrgTables(resourcesDir: string): MsDrgTables {
  const gz = readFileSync(join(resourcesDir, 'msdrg', MSDRG_FILE));
  return MsDrgTables.fromJson(JSON.parse(gunzipSync(gz).toString('utf8')) as unknown);
}

/** Reads an administrator-supplied relative weights CSV (DRG, weight, GMLOS). */
export function loadDrgWeights(file: string): DrgWeights {
  return parseWeightsCsv(readFileSync(file, 'utf8'));
}
