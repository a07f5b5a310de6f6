/**
 * Administrator-supplied MS-DRG relative weights (IPPS Table 5 is not shipped): a CSV with a header naming
 * the DRG, weight and GMLOS columns, e.g. `drg,weight,gmlos`. Parsed strictly: a bad row is an error
 * naming the line, never silently skipped.
 */
import { z } from 'zod';

export interface DrgWeight {
  readonly weight: number;
  /** Geometric mean length of stay, days; null when the table leaves it blank. */
  readonly gmlos: number | null;
}

export type DrgWeights = ReadonlyMap<string, DrgWeight>;

const Row = z.object({
  drg: z.string().regex(/^\d{1,3}$/, 'a DRG number'),
  weight: z.coerce.number().finite().positive(),
  gmlos: z.union([z.literal(''), z.coerce.number().finite().nonnegative()]),
});

export class WeightsFormatError extends Error {}

export function parseWeightsCsv(text: string): DrgWeights {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (!header) throw new WeightsFormatError('weights table is empty');
  const cols = header.split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  const at = (names: string[]) => cols.findIndex((c) => names.includes(c));
  const iDrg = at(['drg', 'ms-drg', 'msdrg']);
  const iWeight = at(['weight', 'relative weight', 'weights']);
  const iGmlos = at(['gmlos', 'geometric mean los']);
  if (iDrg < 0 || iWeight < 0) throw new WeightsFormatError('weights table needs a header with DRG and weight columns (and optionally GMLOS)');
  const out = new Map<string, DrgWeight>();
  lines.forEach((line, n) => {
    const f = line.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
    const parsed = Row.safeParse({ drg: f[iDrg] ?? '', weight: f[iWeight] ?? '', gmlos: iGmlos < 0 ? '' : (f[iGmlos] ?? '') });
    if (!parsed.success) throw new WeightsFormatError(`weights table line ${n + 2}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { drg, weight, gmlos } = parsed.data;
    out.set(drg.padStart(3, '0'), { weight, gmlos: gmlos === '' ? null : gmlos });
  });
  return out;
}
