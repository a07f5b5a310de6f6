import { parseArgs } from 'node:util';
import { integrityProblems } from '../../store/store.js';
import { storeStats, type StoreStats } from '../../store/storeOps.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices, openCliStore } from '../cliServices.js';
import { runStoreOperation } from '../storeAccess.js';

/** `atrium store stats [--json] [--check]`: sizes, row counts, schema, unsent work; `--check` reads every page. Read-only. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let json: boolean;
  let check: boolean;
  try {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, check: { type: 'boolean' } }, strict: true });
    json = values.json === true;
    check = values.check === true;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const services = cliServices();
  try {
    // Reading every page (--check) takes seconds on a large store: never inside the running app.
    const stats: StoreStats & { integrity?: string[] } = check
      ? await (async () => {
          const store = await openCliStore(services, 'read');
          return { ...storeStats(store), integrity: integrityProblems(store.db, 'quick') };
        })()
      : (await runStoreOperation(services, { op: 'stats' }, storeStats)).result;
    if (json) io.stdout.write(`${JSON.stringify(stats)}\n`);
    else {
      io.stdout.write(`store       ${stats.file}\nschema      ${stats.schemaVersion} (this Atrium: ${stats.appSchemaVersion})\nsize        ${stats.fileBytes} bytes, encrypted; key ${stats.keyProtectedByOs ? 'held by the OS keyring' : 'in a key file (no OS keyring)'}\nunsent      ${stats.unsentMutations} mutations\n`);
      if (stats.readOnlyReason) io.stdout.write(`NOTE        ${stats.readOnlyReason}\n`);
      for (const [table, n] of Object.entries(stats.tables)) io.stdout.write(`  ${table.padEnd(16)} ${n}\n`);
      if (stats.integrity) io.stdout.write(stats.integrity.length === 0 ? 'integrity   ok (every page checked)\n' : `INTEGRITY   ${stats.integrity.join('; ')}\n`);
    }
    return stats.integrity && stats.integrity.length > 0 ? 1 : 0;
  } finally {
    await services.dispose();
  }
}
