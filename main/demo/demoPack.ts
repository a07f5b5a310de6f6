import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

export const DemoPackSchema = z.object({
  source: z.string(),
  license: z.literal('CC BY 4.0'),
  attribution: z.string(),
  cases: z.array(z.object({ id: z.string().min(1).max(64), text: z.string().min(1) })).min(1),
});
export type DemoPack = z.infer<typeof DemoPackSchema>;

/** The shipped CodiEsp case reports (CC BY 4.0; see resources/demo/ATTRIBUTION.md). */
export function readDemoPack(resourcesDir: string): DemoPack {
  return DemoPackSchema.parse(JSON.parse(gunzipSync(readFileSync(join(resourcesDir, 'demo', 'codiesp-en.json.gz'))).toString('utf8')));
}
