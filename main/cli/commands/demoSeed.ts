import { parseArgs } from 'node:util';
import { readDemoPack } from '../../demo/demoPack.js';
import { buildDemoEncounters } from '../../demo/demoSeed.js';
import { loadDemoIntoWarehouse } from '../../demo/demoWarehouse.js';
import { OfflineStoreSync } from '../../sync/offlineStoreSync.js';
import { SyncEngine } from '../../sync/syncEngine.js';
import { localWarehouseFile } from '../../sync/syncService.js';
import { LocalWarehouse } from '../../warehouse/local/localWarehouse.js';
import { computePriority, formulaFromSettings } from '../../worklist/priority.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices, openCliStore } from '../cliServices.js';

/**
 * `atrium demo seed [--seed N] [--encounters N]`: synthetic encounters over the CodiEsp case reports,
 * loaded into the local warehouse and pulled into the store by a sync, as real work arrives. The model's
 * suggestions are computed by the app in the background after its next sync.
 */
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
  const warehouse = new LocalWarehouse(localWarehouseFile(services.env.userDataDir));
  try {
    const store = await openCliStore(services, 'write');
    const batch = buildDemoEncounters(readDemoPack(services.env.resourcesDir), { seed, encounters: count, todayMs: Date.now() });
    await loadDemoIntoWarehouse(warehouse, batch);
    const formula = formulaFromSettings((key) => services.settings.get(key));
    const sync = new OfflineStoreSync(store, () => services.principal.current().id, (inputs) => computePriority(inputs, formula, store.now()));
    const report = await new SyncEngine({ store: sync, warehouse: () => warehouse, log: services.log, pageSize: 5000 }).syncNow();
    if (!report.ok) throw new Error(`the store could not pull the demo from the local warehouse: ${report.error ?? 'unknown error'}`);
    io.stdout.write(
      `Seeded ${batch.encounters.length} synthetic encounters (seed ${seed}) into the local warehouse and pulled them into ${store.status.file}; ` +
        `the app adds the model's suggestions after its next sync.\nClinical texts: CodiEsp corpus (CC BY 4.0), see resources/demo/ATTRIBUTION.md.\n`,
    );
    return 0;
  } finally {
    await warehouse.close();
    await services.dispose();
  }
}
