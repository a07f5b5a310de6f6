import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../test/support/tempDir.js';
import { describe, expect, it } from 'vitest';
import { pullAll, warehouseConformance } from '../warehouseConformance.js';
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

describe('a local warehouse file from before the worklist columns', () => {
  it('gains the columns when it opens and publishes them', async () => {
    const dir = tempDir('atrium-wh-old-');
    const file = join(dir, 'warehouse.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE encounters (
      encounter_id TEXT PRIMARY KEY, mrn TEXT NOT NULL, patient_name TEXT, admit_date TEXT, discharge_date TEXT,
      service_line TEXT, status TEXT NOT NULL DEFAULT 'open', assigned_to TEXT, version INTEGER NOT NULL DEFAULT 1, updated_at_ms INTEGER NOT NULL)`);
    old.prepare(`INSERT INTO encounters (encounter_id, mrn, updated_at_ms) VALUES ('E-old', 'M1', 1)`).run();
    old.close();
    const warehouse = new LocalWarehouse(file);
    await warehouse.upsertEncounters([{ encounterId: 'E-old', mrn: 'M1', payer: 'Medicaid', synthetic: true }]);
    const { changes } = await pullAll(warehouse);
    expect(changes.at(-1)?.record).toMatchObject({ encounterId: 'E-old', payer: 'Medicaid', synthetic: true, version: 2 });
    await warehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
