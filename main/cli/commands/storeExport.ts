import { resolve } from 'node:path';
import { exportUnsent } from '../../store/storeOps.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices } from '../cliServices.js';
import { runStoreOperation } from '../storeAccess.js';

/** `atrium store export <dir>`: unsent work (outbox, drafts, dead letters) as readable JSON. Read-only. */
export async function run(args: string[], io: CliIO): Promise<number> {
  if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new UsageError('give the folder to export into');
  const services = cliServices();
  try {
    const dir = resolve(args[0]);
    const { result, note } = await runStoreOperation(services, { op: 'export', dir }, (store) => exportUnsent(store, dir));
    if (note) io.stderr.write(`note: ${note}\n`);
    io.stdout.write(`${Object.entries(result.counts).map(([k, n]) => `${k}: ${n}`).join(', ')}\n${result.files.join('\n')}\nThese files hold patient data in plain text: keep them on this machine and delete them once the work is rescued.\n`);
    return 0;
  } finally {
    await services.dispose();
  }
}
