import { parseArgs } from 'node:util';
import { readDemoPack } from '../../demo/demoPack.js';
import { buildDemoEncounters } from '../../demo/demoSeed.js';
import { Worklist } from '../../worklist/worklist.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices, openCliStore } from '../cliServices.js';

/** `atrium demo seed [--seed N] [--encounters N]`: synthetic encounters over the CodiEsp case reports. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let seed = 1;
  let count = 250;
  try {
    const { values } = parseArgs({ args, options: { seed: { type: 'string' }, encounters: { type: 'string' } }, strict: true });
    if (values.seed !== undefined) seed = Number(values.seed);
    if (values.encounters !== undefined) count = Number(values.encounters);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError('--seed must be a whole number');
  if (!Number.isSafeInteger(count) || count < 1 || count > 1_000_000) throw new UsageError('--encounters must be between 1 and 1000000');
  const services = cliServices();
  try {
    const store = await openCliStore(services, 'write');
    const batch = buildDemoEncounters(readDemoPack(services.env.resourcesDir), { seed, encounters: count, todayMs: Date.now() });
    const worklist = new Worklist(store);
    for (let i = 0; i < batch.encounters.length; i += 1000) {
      const encounters = batch.encounters.slice(i, i + 1000);
      const ids = new Set(encounters.map((e) => e.id));
      worklist.ingest({ encounters, notes: batch.notes.filter((n) => ids.has(n.encounterId)) }, { synthetic: true });
    }
    io.stdout.write(`Seeded ${batch.encounters.length} synthetic encounters (seed ${seed}) into ${store.status.file}.\nClinical texts: CodiEsp corpus (CC BY 4.0), see resources/demo/ATTRIBUTION.md.\n`);
    return 0;
  } finally {
    await services.dispose();
  }
}
