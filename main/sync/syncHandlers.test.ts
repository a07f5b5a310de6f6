import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../preload/contract.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { localWarehouseFile } from './syncService.js';

let env: TestServices | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

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
    const registry = createHandlerRegistry(services);
    const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: services.principal.current() };
    const call = (method: string, input?: unknown) => registry.invoke(method, input, context);
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
});
