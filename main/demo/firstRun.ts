import type { Services } from '../services.js';
import { ensureDemoImaging } from './demoImaging.js';

export const DEMO_ENCOUNTERS = 250;

/**
 * The embedded demo on first run, through the same path as real work: with the local warehouse
 * configured and nothing in the store yet, seeds the local warehouse (when it is empty) with the
 * synthetic encounters (CodiEsp case reports the model never trained on), pulls them into the store with
 * a sync, then waits for the embedded model's suggestions, which land in the background (the worklist
 * shows the encounters as soon as the pull is in). `progress` counts encounters the model has seen.
 * Returns how many encounters the store holds afterwards (0 when it already had work).
 */
export async function ensureDemoData(services: Services, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  if (services.settings.get('warehouse.kind') !== 'local') return 0;
  // The demo CT goes into the image library on its own terms (an empty library), whatever the worklist holds.
  await ensureDemoImaging(services);
  const worklist = await services.worklist;
  const before = worklist.counts();
  if (before.readOnly || Object.values(before.byStatus).some((n) => n > 0)) return 0;

  // Loaded here, not with the app: a station past its first run never needs them at start.
  const [{ LocalWarehouse }, { localWarehouseFile }, { readDemoPack }, { buildDemoEncounters }, { loadDemoIntoWarehouse }] = await Promise.all([
    import('../warehouse/local/localWarehouse.js'),
    import('../sync/syncService.js'),
    import('./demoPack.js'),
    import('./demoSeed.js'),
    import('./demoWarehouse.js'),
  ]);
  const warehouse = new LocalWarehouse(localWarehouseFile(services.env.userDataDir));
  try {
    if ((await warehouse.changeCount()) === 0) {
      const batch = buildDemoEncounters(readDemoPack(services.env.resourcesDir), { seed: 1, encounters: DEMO_ENCOUNTERS, todayMs: Date.now() });
      await loadDemoIntoWarehouse(warehouse, batch);
      services.log.info('demo.warehouse_seeded', { encounters: batch.encounters.length });
    }
  } finally {
    await warehouse.close();
  }
  const sync = await services.syncService;
  const report = await sync.engine.syncNow();
  if (!report.ok) throw new Error(`the demo could not be pulled from the local warehouse: ${report.error ?? 'unknown error'}`);
  const stop = sync.suggestions.onProgress((p) => p && progress(p.done, p.total));
  try {
    await sync.suggestions.run();
  } finally {
    stop();
  }
  const encounters = Object.values(worklist.counts().byStatus).reduce((sum, n) => sum + n, 0);
  services.log.info('demo.pulled', { encounters, applied: report.applied });
  return encounters;
}
