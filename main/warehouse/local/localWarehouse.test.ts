import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/tempDir.js';
import { warehouseConformance } from '../warehouseConformance.js';
import { LocalWarehouse } from './localWarehouse.js';

warehouseConformance('local SQLite warehouse', async () => {
  const dir = tempDir('atrium-wh-');
  const file = join(dir, 'warehouse.sqlite');
  const admin = new LocalWarehouse(file);
  await admin.open();
  return {
    admin,
    connect: async () => {
      const w = new LocalWarehouse(file);
      await w.open();
      return w;
    },
    cleanup: async () => {
      await admin.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
