import { join } from 'node:path';
import { tempDir } from '../../test/support/tempDir.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Store } from '../store/store.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';

/** Test-only: a fresh offline store and local warehouse side by side in one temporary folder. */
export async function storeBesideWarehouse(prefix: string): Promise<{ store: Store; warehouse: LocalWarehouse; close(): Promise<void> }> {
  const dir = tempDir(prefix);
  const store = await Store.open({ file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir) });
  const warehouse = new LocalWarehouse(join(dir, 'warehouse.sqlite'));
  return {
    store,
    warehouse,
    close: async () => {
      store.close();
      await warehouse.close();
    },
  };
}
