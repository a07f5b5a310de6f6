import { describe, expect, it } from 'vitest';
import { createTestServices } from '../../test/support/testServices.js';
import { localWarehouseFile } from '../sync/syncService.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { DEMO_ENCOUNTERS, ensureDemoData } from './firstRun.js';

describe('first run on the embedded demo', () => {
  it('seeds the demo with model suggestions once, and never over existing work', async () => {
    const t = createTestServices();
    const progress: number[] = [];
    expect(await ensureDemoData(t.services, (done) => progress.push(done))).toBe(DEMO_ENCOUNTERS);
    expect(progress.at(-1)).toBe(DEMO_ENCOUNTERS);
    // Through the warehouse: the local warehouse holds the demo, and every encounter reached the store by a pull.
    const warehouse = new LocalWarehouse(localWarehouseFile(t.dir));
    expect(await warehouse.changeCount()).toBe(2 * DEMO_ENCOUNTERS);
    await warehouse.close();
    const store = await t.services.store;
    expect(store.db.prepare('SELECT count(*) AS n FROM encounters WHERE server_revision > 0 AND synthetic = 1 AND model_confidence IS NOT NULL').get()).toEqual({ n: DEMO_ENCOUNTERS });
    expect(store.db.prepare("SELECT count(*) AS n FROM encounters WHERE payer = 'unknown' OR facility = 'unknown' OR sex IS NULL").get()).toEqual({ n: 0 });
    const worklist = await t.services.worklist;
    const first = worklist.list({ limit: 1 }).items[0];
    expect(first?.synthetic).toBe(true);
    const detail = worklist.get(first?.id ?? '', 'local:test');
    expect(detail.suggestions.length).toBeGreaterThan(0);
    const withEvidence = detail.suggestions.find((s) => s.evidence.length > 0);
    const note = detail.notes.find((n) => n.id === withEvidence?.evidence[0]?.noteId);
    expect(note?.text.slice(withEvidence?.evidence[0]?.start, withEvidence?.evidence[0]?.end).length).toBeGreaterThan(0);
    expect(await ensureDemoData(t.services)).toBe(0);
    await t.cleanup();
  }, 120_000);

  it('leaves a station configured for Snowflake alone', async () => {
    const t = createTestServices();
    t.services.settings.set('warehouse.kind', 'snowflake');
    expect(await ensureDemoData(t.services)).toBe(0);
    await t.cleanup();
  });
});
