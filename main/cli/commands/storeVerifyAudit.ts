import type { CliIO } from '../cliCommand.js';
import { UsageError } from '../cliCommand.js';
import { cliServices, openCliStore } from '../cliServices.js';

/** `atrium store verify-audit`: walks the hash chain; exit 1 when any row was edited, deleted or reordered. */
export async function run(args: string[], io: CliIO): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected ${args.join(' ')}`);
  const services = cliServices();
  try {
    const result = (await openCliStore(services, 'read')).verifyAudit();
    if (result.ok) {
      io.stdout.write(`Audit log intact: ${result.rows} rows, hash chain unbroken.\n`);
      return 0;
    }
    io.stdout.write(`AUDIT LOG TAMPERED: ${result.problems.length} problem(s) in ${result.rows} rows\n`);
    for (const p of result.problems) io.stdout.write(`  row ${p.seq ?? '?'}: ${p.problem}\n`);
    return 1;
  } finally {
    await services.dispose();
  }
}
