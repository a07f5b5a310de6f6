import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';

let env: TestServices;
let call: (method: string, input?: unknown) => Promise<unknown>;

beforeAll(() => {
  env = createTestServices();
  const registry = createHandlerRegistry(env.services);
  const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: env.services.principal.current() };
  call = (method, input) => registry.invoke(method, input, context);
});
afterAll(async () => {
  await env.cleanup();
});

describe('coding through the contract', () => {
  it('codes.warm schedules the loading in the coding worker once; everything is loaded afterwards', async () => {
    expect(await env.services.coding.isWarm()).toBe(false);
    expect(await call('codes.warm')).toEqual({ ok: true, result: { scheduled: true } });
    expect(await call('codes.warm')).toEqual({ ok: true, result: { scheduled: false } });
    await vi.waitFor(async () => expect(await env.services.coding.isWarm()).toBe(true), { timeout: 60_000, interval: 100 });
  }, 90_000);

  it('codes.search returns ranked, flagged results for both systems', async () => {
    expect(await call('codes.search', { query: 'J18', system: 'cm', limit: 3 })).toMatchObject({
      ok: true,
      result: { hits: [{ code: 'J18', billable: false }, { code: 'J18.0' }, { code: 'J18.1' }], total: 6 },
    });
    expect(await call('codes.search', { query: '0DTJ4ZZ', system: 'pcs' })).toMatchObject({ ok: true, result: { hits: [{ code: '0DTJ4ZZ', billable: true }] } });
    expect(await call('codes.search', { query: 'x', system: 'icd9' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('coding.group gives the DRG, the MCE warnings, and weights only once a table is loaded', async () => {
    const encounter = { principal: 'J18.9', secondaries: ['J96.01', 'A33'], procedures: [], age: 60, sex: 'M' };
    const first = (await call('coding.group', encounter)) as { ok: true; result: { grouping: { drg: { drg: string }; weight: unknown }; edits: { edit: string }[]; weightsLoaded: boolean } };
    expect(first).toMatchObject({ ok: true, result: { grouping: { status: 'grouped', drg: { drg: '193' }, mdc: { code: '04' }, tier: 'MCC', weight: null }, weightsLoaded: false } });
    expect(first.result.edits.map((e) => e.edit)).toEqual(['age-conflict']);

    writeFileSync(join(env.services.env.userDataDir, 'msdrg-weights.csv'), 'drg,weight,gmlos\n193,1.4,4.3\n');
    expect(await call('coding.group', encounter)).toMatchObject({ ok: true, result: { grouping: { weight: { weight: 1.4, gmlos: 4.3 } }, weightsLoaded: true } });
  });

  it('empty or unknown codes are explained, not crashed on; bad shapes are refused', async () => {
    expect(await call('coding.group', { principal: null, secondaries: [], procedures: [] })).toMatchObject({
      ok: true,
      result: { grouping: { status: 'ungroupable', problems: [{ kind: 'missing-principal' }] }, edits: [{ edit: 'missing-principal' }] },
    });
    expect(await call('coding.group', { principal: 'QQQ', secondaries: ['J18'], procedures: ['nope'] })).toMatchObject({
      ok: true,
      result: { grouping: { status: 'ungroupable', drg: { drg: '999' } } },
    });
    expect(await call('coding.group', { principal: 'J18.9', secondaries: 'J96.01', procedures: [] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
