import { join } from 'node:path';
import { tempDir } from '../../test/support/tempDir.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Store } from '../store/store.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';

/** Test-only: a fresh offline store and local warehouse side by side in one temporary folder. */
export async function storeBesideWarehouse(
  prefix: string,
  // Key-file sealed like every test store: by default the policy's leave lets real-shaped patients in.
  allowPhiWithoutKeyring: () => boolean = () => true,
): Promise<{ store: Store; warehouse: LocalWarehouse; close(): Promise<void> }> {
  const dir = tempDir(prefix);
  const store = await Store.open({ file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir), allowPhiWithoutKeyring });
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
