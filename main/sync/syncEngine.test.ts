import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tempDir.js';
import { createMemoryLogger } from '../log/logger.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { WarehouseError, type OutboundMutation, type PushResult, type Warehouse } from '../warehouse/warehouse.js';
import { SqliteSyncStore } from './sqliteSyncStore.js';
import { SyncEngine, type SyncStatus } from './syncEngine.js';

describe('SyncEngine (local warehouse)', () => {
  let dir: string;
  let warehouse: LocalWarehouse;
  let store: SqliteSyncStore;

  beforeEach(async () => {
    dir = tempDir('atrium-sync-');
    warehouse = new LocalWarehouse(join(dir, 'warehouse.sqlite'));
    await warehouse.upsertEncounters([
      { encounterId: 'E1', mrn: 'M1', assignedTo: 'alice' },
      { encounterId: 'E2', mrn: 'M2', assignedTo: 'bob' },
      { encounterId: 'E3', mrn: 'M3' },
    ]);
    store = new SqliteSyncStore(join(dir, 'store.sqlite'));
  });

  afterEach(async () => {
    store.close();
    await warehouse.close();
  });

  const engine = (over: Partial<ConstructorParameters<typeof SyncEngine>[0]> = {}) =>
    new SyncEngine({ store, warehouse: () => warehouse, log: createMemoryLogger(), batchSize: 10, pageSize: 4, ...over });

  it('drains the outbox in order, in batches, and pulls the worklist', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => store.enqueue({ kind: 'submit_codes', coder: 'alice', encounterId: 'E1', payload: { n: i } }));
    const seen: SyncStatus[] = [];
    const report = await engine({ onChange: (s) => seen.push(s) }).syncNow();
    expect(report).toMatchObject({ ok: true, pushed: 25, batches: 3, deadLettered: 0, pulled: 3, applied: 3 });
    expect(store.pendingCount()).toBe(0);
    expect((await warehouse.ledger()).map((r) => r.clientMutationId)).toEqual(ids);
    expect(seen.some((s) => s.progress?.phase === 'push' && s.progress.total === 25 && s.progress.etaMs !== null)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    expect(store.encounter('E1')).toMatchObject({ assignedTo: 'alice', version: 1 });
  });

  it('sends a rejected mutation to dead letters without blocking the rest of the queue', async () => {
    store.enqueue({ kind: 'submit_codes', coder: 'alice', encounterId: 'E2', payload: {} }); // E2 is bob's
    const ok = store.enqueue({ kind: 'submit_codes', coder: 'alice', encounterId: 'E1', payload: {} });
    const report = await engine().syncNow();
    expect(report).toMatchObject({ ok: true, pushed: 1, deadLettered: 1 });
    expect(store.deadLetters()).toEqual([expect.objectContaining({ encounterId: 'E2', reason: 'not_assigned' })]);
    expect((await warehouse.ledger()).find((r) => r.clientMutationId === ok)?.outcome).toBe('accepted');
  });

  it('isolates a mutation the warehouse refuses outright by splitting the batch', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => store.enqueue({ kind: 'audit', coder: 'alice', encounterId: null, payload: { i } }));
    const poison = ids[6] as string;
    const refusing: Warehouse = {
      kind: 'local',
      maxBatch: 100,
      open: () => warehouse.open(),
      close: async () => undefined,
      pull: (c, l) => warehouse.pull(c, l),
      push: async (batch: readonly OutboundMutation[]): Promise<PushResult> => {
        if (batch.some((m) => m.clientMutationId === poison)) throw new WarehouseError('String is too long for column PAYLOAD', 'rejected', '100078');
        return warehouse.push(batch);
      },
    };
    const report = await engine({ warehouse: () => refusing }).syncNow();
    expect(report).toMatchObject({ ok: true, pushed: 8, deadLettered: 1 });
    expect(store.deadLetters()).toEqual([expect.objectContaining({ clientMutationId: poison, reason: 'rejected_by_warehouse' })]);
    expect((await warehouse.ledger()).map((r) => r.clientMutationId)).toEqual(ids.filter((id) => id !== poison));
  });

  it('keeps mutations through transient failures and backs off with jitter', async () => {
    store.enqueue({ kind: 'submit_codes', coder: 'alice', encounterId: 'E1', payload: {} });
    let failing = 2;
    const flaky: Warehouse = {
      kind: 'local',
      maxBatch: 100,
      open: async () => undefined,
      close: async () => undefined,
      pull: (c, l) => warehouse.pull(c, l),
      push: async (batch) => {
        const result = await warehouse.push(batch);
        // The server committed, the answer never arrived.
        if (failing-- > 0) throw new WarehouseError('socket hang up', 'transient', '401001');
        return result;
      },
    };
    const e = engine({ warehouse: () => flaky, random: () => 1, backoffBaseMs: 1000, backoffMaxMs: 8000 });
    expect((await e.syncNow()).ok).toBe(false);
    expect(e.status()).toMatchObject({ state: 'backoff', pending: 1, consecutiveFailures: 1 });
    expect(e.backoffDelay()).toBe(1000);
    expect((await e.syncNow()).ok).toBe(false);
    expect(e.backoffDelay()).toBe(2000);
    expect((await e.syncNow()).ok).toBe(true);
    expect(e.status()).toMatchObject({ state: 'idle', pending: 0, consecutiveFailures: 0 });
    expect(await warehouse.ledger()).toHaveLength(1);
    const jittered = engine({ random: () => 0, backoffBaseMs: 1000 });
    expect(jittered.backoffDelay()).toBe(500);
  });

  it('applies a pulled page idempotently', async () => {
    await engine().syncNow();
    const before = store.counts();
    store.db.prepare(`UPDATE sync_cursors SET cursor = 0`).run();
    const again = await engine().syncNow();
    expect(again).toMatchObject({ ok: true, pulled: 3, applied: 0 });
    expect(store.counts()).toEqual(before);
  });

  it('stores the cursor in the same transaction as the rows: a crash between them applies nothing twice', async () => {
    await warehouse.upsertNotes([{ noteId: 'N1', encounterId: 'E1', kind: 'progress', text: 'note' }]);
    let crash = true;
    store.beforeCursorWrite = () => {
      if (crash) {
        crash = false;
        throw new Error('killed between apply and cursor');
      }
    };
    const failed = await engine().syncNow();
    expect(failed.ok).toBe(false);
    expect(store.cursor('worklist')).toBe(0);
    expect(store.counts()).toEqual({ encounters: 0, notes: 0 });
    const ok = await engine().syncNow();
    expect(ok).toMatchObject({ ok: true, pulled: 4, applied: 4 });
    expect(store.cursor('worklist')).toBe(4);
  });

  it('quarantines a malformed row, an unknown column and an oversized note, and goes on', async () => {
    await warehouse.insertRawChange({ entity: 'encounter', entityId: 'E9', entityVersion: 1, payload: '{not json' });
    await warehouse.insertRawChange({
      entity: 'encounter',
      entityId: 'E8',
      entityVersion: 1,
      payload: JSON.stringify({ encounterId: 'E8', mrn: 'M', patientName: null, admitDate: null, dischargeDate: null, serviceLine: null, status: 'open', assignedTo: null, version: 1, ward: 'x' }),
    });
    await warehouse.insertRawChange({ entity: 'note', entityId: 'N9', entityVersion: 1, payload: JSON.stringify({ noteId: 'N9', encounterId: 'E1', kind: 'x', text: 'a'.repeat(600_000), version: 1 }) });
    await warehouse.upsertEncounters([{ encounterId: 'E4', mrn: 'M4' }]);
    const report = await engine().syncNow();
    expect(report).toMatchObject({ ok: true, quarantined: 3, applied: 4 });
    const q = store.quarantined();
    expect(q.map((x) => x.error)).toEqual([
      'payload is not JSON',
      expect.stringContaining('Unrecognized key'),
      expect.stringContaining('note text over'),
    ]);
    expect(store.encounter('E4')).not.toBeNull();
    expect(store.cursor('worklist')).toBe(7);
  });

  it('syncs after a burst of local writes (debounced) and when connectivity returns', async () => {
    const e = engine({ debounceMs: 20, periodMs: 60_000 });
    e.setOnline(false);
    e.start();
    expect(e.status().state).toBe('offline');
    store.enqueue({ kind: 'audit', coder: 'alice', encounterId: null, payload: {} });
    e.notifyLocalWrite();
    await new Promise((r) => setTimeout(r, 60));
    expect(store.pendingCount()).toBe(1);
    e.setOnline(true);
    await waitFor(() => store.pendingCount() === 0);
    for (let i = 0; i < 5; i++) {
      store.enqueue({ kind: 'audit', coder: 'alice', encounterId: null, payload: { i } });
      e.notifyLocalWrite();
    }
    await waitFor(() => store.pendingCount() === 0);
    expect(await warehouse.ledger()).toHaveLength(6);
    e.stop();
  });
});

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
