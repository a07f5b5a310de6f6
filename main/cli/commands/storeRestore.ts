import { resolve } from 'node:path';
import { restoreStore } from '../../store/storeOps.js';
import { storeFile } from '../../store/storeLocation.js';
import { UsageError, type CliIO } from '../cliCommand.js';
import { cliServices } from '../cliServices.js';

/** `atrium store restore <file>`: replaces the store with a checked backup; the old one is kept aside. */
export async function run(args: string[], io: CliIO): Promise<number> {
  if (args.length !== 1 || !args[0] || args[0].startsWith('-')) throw new UsageError('give the backup file to restore');
  const services = cliServices();
  try {
    const result = await restoreStore({ file: storeFile(services.env.userDataDir), backup: resolve(args[0]), sealer: services.sealer });
    io.stdout.write(`Restored ${resolve(args[0])}.${result.movedAside ? ` The previous store was kept as ${result.movedAside}.` : ''}\n`);
    return 0;
  } finally {
    await services.dispose();
  }
}
