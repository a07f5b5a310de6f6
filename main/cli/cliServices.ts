import { existsSync } from 'node:fs';
import { nodeEnvironment } from '../host/hostEnvironment.js';
import { Services } from '../services.js';
import { Store } from '../store/store.js';
import { storeFile } from '../store/storeLocation.js';

/** The CLI's services: the data folder from ATRIUM_HOME (or the OS default) and a file-key sealer. */
export function cliServices(): Services {
  return new Services(nodeEnvironment('cli'));
}

/**
 * Opens the store for a CLI command. `read` works beside a running app (WAL readers do not block the
 * writer); `write` takes the writer lock and fails clearly while another process holds it.
 */
export async function openCliStore(services: Services, mode: 'read' | 'write'): Promise<Store> {
  const file = storeFile(services.env.userDataDir);
  if (mode === 'read' && !existsSync(file)) throw new Error(`No Atrium store at ${file} (set ATRIUM_HOME, or run \`atrium demo seed\`).`);
  const store = await Store.open({
    file,
    sealer: services.sealer,
    readOnly: mode === 'read',
    allowPhiWithoutKeyring: () => services.settings.get('store.allowPhiWithoutKeyring'),
  });
  services.onDispose(() => store.close());
  return store;
}
