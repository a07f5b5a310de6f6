import { resolve } from 'node:path';
import { backupStore } from '../../store/storeOps.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices } from '../cliServices.js';
import { runStoreOperation } from '../storeAccess.js';

/** `atrium store backup <file>`: an online, still-encrypted copy (plus `<file>.key`), safe beside a running app. */
export async function run(args: string[], io: CliIO): Promise<number> {
  if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new UsageError('give the backup file to write');
  const services = cliServices();
  try {
    const file = resolve(args[0]);
    const { result } = await runStoreOperation(services, { op: 'backup', file }, (store) => backupStore(store, file));
    io.stdout.write(`Backed up to ${result.file} (${result.bytes} bytes, encrypted) with its sealed key ${result.keyFile}.\nThe key opens only on this machine for this user; keep both files together.\n`);
    return 0;
  } finally {
    await services.dispose();
  }
}
