import { parseArgs } from 'node:util';
import { storeStats } from '../../store/storeOps.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices, openCliStore } from '../cliServices.js';

/** `atrium store stats [--json]`: sizes, row counts, schema, unsent work. Read-only. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true }).values.json === true;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const services = cliServices();
  try {
    const stats = storeStats(await openCliStore(services, 'read'));
    if (json) io.stdout.write(`${JSON.stringify(stats)}\n`);
    else {
      io.stdout.write(`store       ${stats.file}\nschema      ${stats.schemaVersion} (this Atrium: ${stats.appSchemaVersion})\nsize        ${stats.fileBytes} bytes, encrypted; key ${stats.keyProtectedByOs ? 'held by the OS keyring' : 'in a key file (no OS keyring)'}\nunsent      ${stats.unsentMutations} mutations\n`);
      if (stats.readOnlyReason) io.stdout.write(`NOTE        ${stats.readOnlyReason}\n`);
      for (const [table, n] of Object.entries(stats.tables)) io.stdout.write(`  ${table.padEnd(16)} ${n}\n`);
    }
    return 0;
  } finally {
    await services.dispose();
  }
}
