import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../preload/contract.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import type { Services } from '../services.js';
import type { CallContext } from '../ipc/callContext.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { localWarehouseFile } from './syncService.js';

let env: TestServices | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

/** Calls contract methods as the app's own page would. */
function contract(services: Services) {
  const registry = createHandlerRegistry(services);
  const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: services.principal.current() };
  return (method: string, input?: unknown) => registry.invoke(method, input, context);
}

describe('sync through the contract', () => {
  it('sync.now pulls the embedded warehouse into the store, pushes the outbox, and reports counts', async () => {
    env = createTestServices();
    const { services, dir } = env;
    const who = services.principal.current().id;
    const warehouse = new LocalWarehouse(localWarehouseFile(dir));
    await warehouse.upsertEncounters([
      { encounterId: 'W1', mrn: 'M1', assignedTo: who, admitDate: '2026-02-01', dischargeDate: '2026-02-03', serviceLine: 'Medicine' },
      { encounterId: 'W2', mrn: 'M2' },
    ]);
    await warehouse.close();
    const call = contract(services);
    const events: { event: EventName; payload: unknown }[] = [];
    services.events.subscribe((event, payload) => events.push({ event, payload }));

    const now = await call('sync.now');
    expect(now).toMatchObject({ ok: true, result: { state: 'idle', pending: 0, deadLetters: 0, lastError: null } });
    const store = await services.store;
    expect(store.db.prepare('SELECT id, assigned FROM encounters ORDER BY id').all()).toEqual([
      { id: 'W1', assigned: 1 },
      { id: 'W2', assigned: 1 },
    ]);
    expect(events.some((e) => e.event === 'sync.changed')).toBe(true);

    store.write(() =>
      store.db
        .prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)')
        .run('cm-1', 'submit_codes', 'W1', who, '{"codes":["I10"]}', store.now()),
    );
    expect(await call('status.summary')).toMatchObject({ ok: true, result: { pendingUploads: 1 } });
    expect(await call('sync.now')).toMatchObject({ ok: true, result: { pending: 0, deadLetters: 0 } });
    expect(await call('sync.status')).toMatchObject({ ok: true, result: { pending: 0, lastSyncAt: expect.any(Number) } });
    const check = new LocalWarehouse(localWarehouseFile(dir));
    expect(await check.ledger()).toEqual([expect.objectContaining({ clientMutationId: 'cm-1', outcome: 'accepted' })]);
    await check.close();
  });

  it('retries a refused submission as a new mutation, discards a lost claim, and records each run', async () => {
    env = createTestServices();
    const { services, dir } = env;
    const me = services.principal.current().id;
    const warehouse = new LocalWarehouse(localWarehouseFile(dir));
    await warehouse.upsertEncounters([
      { encounterId: 'D1', mrn: 'M1', assignedTo: 'someone-else' },
      { encounterId: 'D2', mrn: 'M2', assignedTo: 'someone-else' },
    ]);
    const invoke = contract(services);
    const call = async (method: string, input?: unknown) => {
      const reply = await invoke(method, input);
      if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
      return reply.result as Record<string, unknown>;
    };
    const store = await services.store;
    const enqueue = (id: string, kind: string, encounterId: string) =>
      store.write(() =>
        store.db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run(id, kind, encounterId, me, '{"codes":["I10"]}', store.now()),
      );
    enqueue('submit-1', 'submit_codes', 'D1');
    enqueue('claim-1', 'claim', 'D2');

    expect(await call('sync.now')).toMatchObject({ pending: 0, deadLetters: 2 });
    const { items } = (await call('sync.deadLetters')) as { items: { clientMutationId: string; reason: string; conflict: boolean }[] };
    expect(items).toEqual([
      expect.objectContaining({ clientMutationId: 'submit-1', reason: 'not_assigned', conflict: false }),
      expect.objectContaining({ clientMutationId: 'claim-1', reason: 'claimed_by_other', conflict: true }),
    ]);

    // The server hands D1 to this coder; the retry is a new mutation the warehouse accepts.
    await warehouse.upsertEncounters([{ encounterId: 'D1', mrn: 'M1', assignedTo: me }]);
    await call('sync.deadLetters.retry', { clientMutationId: 'submit-1' });
    await (await services.sync).syncNow();
    const ledger = await warehouse.ledger();
    expect(ledger.filter((r) => r.kind === 'submit_codes').map((r) => r.outcome).sort()).toEqual(['accepted', 'rejected']);
    expect(ledger.find((r) => r.clientMutationId === 'submit-1')).toMatchObject({ outcome: 'rejected' });

    expect(await call('sync.deadLetters.discard', { clientMutationId: 'claim-1' })).toMatchObject({ deadLetters: 0 });
    expect(await call('sync.deadLetters')).toEqual({ items: [] });
    expect((await invoke('sync.deadLetters.discard', { clientMutationId: 'claim-1' })).ok).toBe(false);

    const { runs } = (await call('sync.history')) as { runs: { ok: boolean; pushed: number; deadLettered: number }[] };
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.some((r) => r.ok && r.deadLettered === 2)).toBe(true);
    expect(runs.some((r) => r.ok && r.pushed === 1)).toBe(true);
    await warehouse.close();
  });

  it('sync.connectivity: offline holds the outbox without trying, back online syncs at once', async () => {
    env = createTestServices();
    const { services, dir } = env;
    const me = services.principal.current().id;
    const warehouse = new LocalWarehouse(localWarehouseFile(dir));
    await warehouse.upsertEncounters([{ encounterId: 'O1', mrn: 'M1', assignedTo: me }]);
    const call = contract(services);
    expect(await call('sync.connectivity', { online: false })).toMatchObject({ ok: true, result: { state: 'offline', online: false, nextAttemptAt: null } });
    const store = await services.store;
    store.write(() =>
      store.db.prepare('INSERT INTO outbox (client_mutation_id, kind, encounter_id, principal, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?)').run('off-1', 'submit_codes', 'O1', me, '{"codes":["I10"]}', store.now()),
    );
    expect(await call('sync.connectivity', { online: true })).toMatchObject({ ok: true, result: { online: true } });
    await expect.poll(async () => (await warehouse.ledger()).map((r) => r.clientMutationId), { timeout: 10_000 }).toEqual(['off-1']);
    expect((await call('sync.connectivity', { online: 'yes' })).ok).toBe(false);
    await warehouse.close();
  });
});
