import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { tempDir } from '../../test/support/tempDir.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';

let env: TestServices | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

const subject = { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', datastoreId: null, imageSetId: null };
const verification = { subject, verdict: 'needs_review', findings: 'Possible haemorrhage.', labels: ['haemorrhage'], laterality: 'left', location: 'temporal lobe', confidence: 2 };

function setUp(policy: object): (method: string, input?: unknown) => Promise<unknown> {
  const policyFile = join(tempDir('atrium-policy-'), 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  env = createTestServices({ policyFile });
  const registry = createHandlerRegistry(env.services);
  const context: CallContext = { origin: 'atrium://app', frameUrl: 'atrium://app/index.html', principal: env.services.principal.current() };
  return (method, input) => registry.invoke(method, input, context);
}

describe('verification through the contract', () => {
  it('saves and reads back the pending verification of a series; the next get sees the same one', async () => {
    const call = setUp({ enforced: { 'store.allowPhiWithoutKeyring': true } });
    expect(await call('imaging.verification.get', { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' })).toEqual({ ok: true, result: null });
    const saved = (await call('imaging.verification.save', verification)) as { ok: true; result: { verificationId: string } };
    expect(saved).toMatchObject({ ok: true, result: { ...verification, version: 1, eventError: null } });
    expect(['pending', 'synced']).toContain((saved.result as unknown as { state: string }).state);
    const got = await call('imaging.verification.get', { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' });
    expect(got).toMatchObject({ ok: true, result: { verificationId: saved.result.verificationId } });
  });

  it('refuses findings over the limit, labels off the configured list, and storing on a station policy forbids', async () => {
    const call = setUp({ enforced: { 'store.allowPhiWithoutKeyring': true, 'imaging.verification.labels': ['normal', 'nodule'] } });
    expect(await call('imaging.verification.save', { ...verification, findings: 'x'.repeat(4001) })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call('imaging.verification.save', verification)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/"haemorrhage".*normal, nodule/) } });
    await env?.cleanup();
    const refused = setUp({});
    expect(await refused('imaging.verification.save', { ...verification, labels: [] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
