import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../preload/contract.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import { sampleEncounters, sampleNotes } from '../store/storeTestKit.js';

let env: TestServices | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

async function setup() {
  env = createTestServices();
  const { services } = env;
  const registry = createHandlerRegistry(services);
  const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: services.principal.current() };
  const call = (method: string, input?: unknown) => registry.invoke(method, input, context);
  const events: { event: EventName; payload: unknown }[] = [];
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  const encounters = sampleEncounters(12);
  (await services.worklist).ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
  return { services, call, events, who: services.principal.current().id };
}

const draft = { codes: [{ code: 'A41.9', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' }] };

describe('worklist handlers', () => {
  it('list, counts, claim, draft, submit and undo through the contract', async () => {
    const { call, events, who } = await setup();
    const page = await call('worklist.list', { limit: 5, filter: { status: ['ready'] } });
    expect(page).toMatchObject({ ok: true, result: { items: expect.any(Array), nextCursor: expect.any(String) } });
    expect(await call('worklist.counts')).toMatchObject({ ok: true, result: { byStatus: { ready: 12 }, unsentMutations: 0, readOnly: false } });

    const claimed = await call('worklist.claimNext', {});
    expect(claimed).toMatchObject({ ok: true, result: { leaseOwner: who, status: 'in_progress' } });
    const id = (claimed as { result: { id: string } }).result.id;
    expect(events.some((e) => e.event === 'worklist.changed' && (e.payload as { encounterIds: string[] }).encounterIds.includes(id))).toBe(true);

    const detail = await call('encounter.get', { encounterId: id });
    expect(detail).toMatchObject({ ok: true, result: { item: { id }, notes: [{ kind: 'discharge_summary' }], draft: null } });
    expect(await call('coding.saveDraft', { encounterId: id, draft })).toMatchObject({ ok: true, result: { revision: 1 } });
    const submitted = await call('coding.submit', { encounterId: id });
    expect(submitted).toMatchObject({ ok: true, result: { outboxSeq: expect.any(Number) } });
    expect(await call('worklist.counts')).toMatchObject({ result: { byStatus: { submitted: 1 }, unsentMutations: 2 } });
    expect(await call('worklist.undo')).toMatchObject({ ok: true, result: { encounterId: id, undid: 'submit', how: 'withdrawn', status: 'in_progress' } });
    expect(await call('worklist.undo')).toEqual({ ok: true, result: null });
  });

  it('reorders the worklist as soon as an administrator changes the priority weights', async () => {
    const { services, call, events } = await setup();
    const payers = async () => ((await call('worklist.list', { limit: 12 })) as { result: { items: { payer: string }[] } }).result.items.map((i) => i.payer);
    expect((await payers())[0]).not.toBe('Self-pay');
    services.settings.set('worklist.priority.payerPoints', ['Self-pay=100']);
    expect((await payers()).slice(0, 3)).toEqual(['Self-pay', 'Self-pay', 'Self-pay']);
    expect(events.some((e) => e.event === 'worklist.changed' && (e.payload as { reason: string }).reason === 'priority_formula')).toBe(true);
    expect(() => services.settings.set('worklist.priority.payerPoints', ['Self-pay'])).toThrow(/Invalid value for worklist.priority.payerPoints/);
  });

  it('hold, release and lease renewal; errors come back as contract codes', async () => {
    const { call } = await setup();
    expect(await call('encounter.get', { encounterId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call('coding.saveDraft', { encounterId: 'E000001', draft })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/claim it first/) } });
    expect(await call('coding.saveDraft', { encounterId: 'E000001', draft: { codes: [{ code: '!!', system: 'ICD-10-CM', decision: 'accepted' }] } })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const id = ((await call('worklist.claimNext')) as { result: { id: string } }).result.id;
    expect(await call('worklist.renewLease', { encounterId: id })).toMatchObject({ ok: true, result: { id } });
    expect(await call('worklist.hold', { encounterId: id, kind: 'hold', reason: 'Waiting for the operative report' })).toMatchObject({ ok: true, result: { status: 'hold' } });
    expect(await call('coding.submit', { encounterId: id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call('worklist.release', { encounterId: id })).toMatchObject({ ok: true, result: { status: 'ready', leaseOwner: null } });
    expect(await call('worklist.list', { cursor: 'garbage' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
