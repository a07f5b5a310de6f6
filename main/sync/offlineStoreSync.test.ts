import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { OfflineStoreSync } from './offlineStoreSync.js';
import { SyncEngine } from './syncEngine.js';
import { storeBesideWarehouse } from './syncTestKit.js';

describe('sync over the offline store (main/store)', () => {
  let store: Store;
  let warehouse: LocalWarehouse;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ store, warehouse, close } = await storeBesideWarehouse('atrium-storesync-'));
    await warehouse.upsertEncounters([
      { encounterId: 'E1', mrn: 'M1', assignedTo: 'alice', admitDate: '2026-01-02', dischargeDate: '2026-01-05', serviceLine: 'Cardiology' },
      { encounterId: 'E2', mrn: 'M2', assignedTo: 'bob' },
    ]);
    await warehouse.upsertNotes([{ noteId: 'N1', encounterId: 'E1', kind: 'discharge_summary', text: 'Chest pain, ruled out MI.' }]);
  });

  afterEach(() => close());

  const enqueue = (id: string, kind: string, encounterId: string, principal: string) =>
    store.write(() =>
      store.db
        .prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, kind, encounterId, principal, JSON.stringify({ encounterId }), store.now()),
    );

  it('refuses real patients without an OS keyring or the policy leave: nothing stored, the cursor kept, and it says why', async () => {
    let allowed = false;
    const kit = await storeBesideWarehouse('atrium-phi-', () => allowed);
    try {
      await kit.warehouse.upsertEncounters([{ encounterId: 'D1', mrn: 'M1', assignedTo: 'alice', synthetic: true }]);
      const sync = new OfflineStoreSync(kit.store, () => 'alice');
      const engine = new SyncEngine({ store: sync, warehouse: () => kit.warehouse, log: createMemoryLogger() });
      // Synthetic (demo) patients are always allowed.
      expect(await engine.syncNow()).toMatchObject({ ok: true, applied: 1 });
      const cursor = sync.cursor('worklist');
      await kit.warehouse.upsertEncounters([{ encounterId: 'R1', mrn: 'M2', assignedTo: 'alice' }]);
      const refused = await engine.syncNow();
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(/no OS keyring.*store\.allowPhiWithoutKeyring/);
      expect(kit.store.db.prepare('SELECT id FROM encounters ORDER BY id').all()).toEqual([{ id: 'D1' }]);
      expect(sync.cursor('worklist')).toBe(cursor);
      allowed = true;
      expect(await engine.syncNow()).toMatchObject({ ok: true, applied: 1 });
      expect(kit.store.db.prepare('SELECT id FROM encounters ORDER BY id').all()).toEqual([{ id: 'D1' }, { id: 'R1' }]);
    } finally {
      await kit.close();
    }
  });

  it('pulls the worklist into the store, pushes its outbox, and dead-letters a rejection', async () => {
    const sync = new OfflineStoreSync(store, () => 'alice');
    const changed: string[][] = [];
    store.onChange((ids) => changed.push(ids));
    const engine = new SyncEngine({ store: sync, warehouse: () => warehouse, log: createMemoryLogger() });
    const first = await engine.syncNow();
    expect(first).toMatchObject({ ok: true, applied: 3 });
    const rows = store.db.prepare('SELECT id, assigned, server_revision FROM encounters ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'E1', assigned: 1, server_revision: 1 },
      { id: 'E2', assigned: 0, server_revision: 1 },
    ]);
    expect(store.db.prepare('SELECT text FROM notes WHERE id = ?').get('N1')).toEqual({ text: 'Chest pain, ruled out MI.' });
    expect(changed.flat()).toContain('E1');

    enqueue('m-ok', 'submit_codes', 'E1', 'alice');
    enqueue('m-bad', 'submit_codes', 'E2', 'alice');
    enqueue('m-hold', 'hold', 'E1', 'alice');
    expect(sync.pendingCount()).toBe(3);
    const second = await engine.syncNow();
    expect(second).toMatchObject({ ok: true, pushed: 2, deadLettered: 1 });
    expect(sync.pendingCount()).toBe(0);
    expect(store.db.prepare('SELECT client_mutation_id, reason FROM dead_letters').all()).toEqual([
      { client_mutation_id: 'm-bad', reason: expect.stringContaining('not_assigned') },
    ]);
    expect((await warehouse.ledger()).map((r) => [r.clientMutationId, r.outcome])).toEqual([
      ['m-ok', 'accepted'],
      ['m-bad', 'rejected'],
      ['m-hold', 'accepted'],
    ]);
    expect(sync.cursor('worklist')).toBe(await warehouse.changeCount());

    await warehouse.voidEncounter('E1');
    await engine.syncNow();
    expect(store.db.prepare('SELECT assigned, server_revision FROM encounters WHERE id = ?').get('E1')).toEqual({ assigned: 0, server_revision: 2 });
  });
});
