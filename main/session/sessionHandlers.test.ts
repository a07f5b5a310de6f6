import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { CallReply } from '../../preload/contract.js';
import { IdentityCenterStandIn } from '../../test/standins/sso/identityCenterStandIn.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Services } from '../services.js';
import { sampleEncounters, sampleNotes } from '../store/storeTestKit.js';
import { ManualClock } from './clock.js';

/** The session's contract methods end to end: real services, real SDK clients, the SSO stand-in. */
describe('session contract methods', () => {
  let dir: string;
  let standIn: IdentityCenterStandIn;
  let services: Services;
  let registry: HandlerRegistry;
  let log: ReturnType<typeof createMemoryLogger>;
  const context: CallContext = { origin: 'test', frameUrl: 'test', principal: { id: 'local:t', displayName: 't', kind: 'local-profile' } };
  const call = async (method: string, input?: unknown): Promise<CallReply> => registry.invoke(method, input, context);
  const result = async <T>(method: string, input?: unknown): Promise<T> => {
    const reply = await call(method, input);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  };

  const start = async (enforced: Record<string, unknown>) => {
    const clock = new ManualClock();
    standIn = await new IdentityCenterStandIn({
      now: () => clock.now(),
      accounts: [
        { accountId: '111122223333', accountName: 'Radiology', roles: ['Coder', 'Admin'] },
        { accountId: '444455556666', accountName: 'Research', roles: ['Analyst'] },
      ],
    }).start();
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ enforced: { 'aws.sso.startUrl': 'https://hospital.awsapps.com/start', ...enforced } }));
    log = createMemoryLogger();
    services = new Services({
      mode: 'host',
      appVersion: '0.0.0-test',
      userDataDir: dir,
      resourcesDir: dir,
      log,
      createSealer: () => new FileKeySealer(dir),
      policyFile,
      clock,
      ssoEndpoints: { oidc: standIn.url, portal: standIn.url },
    });
    registry = createHandlerRegistry(services);
  };
  const until = async (state: string) => {
    for (let i = 0; i < 1000; i++) {
      const progress = await result<{ state: string }>('session.signIn.poll');
      if (progress.state === state) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`never reached ${state}`);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-session-'));
  });
  afterEach(async () => {
    await services?.dispose();
    await standIn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in, picks a role, hands role credentials to the AWS client factory, and signs out', async () => {
    await start({});
    const started = await result<{ state: string; userCode: string }>('session.signIn.start', { flow: 'device' });
    expect(started).toMatchObject({ state: 'pending', userCode: expect.any(String) });
    await until('choose-role');
    const { accounts } = await result<{ accounts: { accountId: string; roles: string[] }[] }>('session.accounts');
    expect(accounts.map((a) => `${a.accountId}:${a.roles.join('+')}`)).toEqual(['111122223333:Admin+Coder', '444455556666:Analyst']);
    expect(await result('session.selectRole', { accountId: '444455556666', roleName: 'Analyst', accountName: 'Research' })).toMatchObject({
      signedIn: true,
      principal: { kind: 'identity-center', displayName: 'Analyst (Research)' },
    });
    // Every AWS client the factory makes now signs with the role's credentials.
    const client = services.aws.create(class {
      constructor(readonly options: { credentials: () => Promise<{ accessKeyId: string }> }) {}
    } as never) as { options: { credentials: () => Promise<{ accessKeyId: string }> } };
    expect((await client.options.credentials()).accessKeyId).toMatch(/^ASIASTANDIN/);

    await result('session.lock.setSecret', { secret: 'analyst-pin' });
    expect(await result('session.signOut')).toMatchObject({ signedIn: false, principal: { kind: 'local-profile' } });
    expect(await result('session.lock.status')).toMatchObject({ hasSecret: false });
    await expect(client.options.credentials()).rejects.toMatchObject({ name: 'ReauthRequiredError' });
    expect(await call('session.accounts')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('with account and role fixed by policy, goes straight to work and refuses any other role', async () => {
    await start({ 'aws.sso.accountId': '111122223333', 'aws.sso.roleName': 'Coder' });
    await result('session.signIn.start', { flow: 'device' });
    await until('signed-in');
    expect(await result('session.status')).toMatchObject({ signedIn: true, principal: { displayName: 'Coder (111122223333)' } });
    expect(await result('session.accounts')).toEqual({ accounts: [{ accountId: '111122223333', accountName: 'Radiology', roles: ['Coder'] }] });
    expect(await call('session.selectRole', { accountId: '111122223333', roleName: 'Admin' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('settings.set', { key: 'aws.sso.roleName', value: 'Admin' })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('a service refusing the credentials of a revoked session: asks to sign in again, and unsent work stays through sign-out', async () => {
    await start({ 'aws.sso.accountId': '111122223333', 'aws.sso.roleName': 'Coder' });
    await result('session.signIn.start', { flow: 'device' });
    await until('signed-in');
    // Unsent work in the store's outbox: a claim and a submitted coding.
    const worklist = await services.worklist;
    const encounters = sampleEncounters(3);
    worklist.ingest({ encounters, notes: sampleNotes(encounters) }, { synthetic: true });
    const who = services.principal.current().id;
    const item = worklist.claimNext(who)!;
    worklist.saveDraft(item.id, who, { codes: [{ code: 'A41.9', system: 'ICD-10-CM', decision: 'accepted', principal: true, poa: 'Y' }] });
    worklist.submit(item.id, who);
    const unsent = worklist.counts().unsentMutations;
    expect(unsent).toBe(2);

    const events = services.aws.create(EventBridgeClient, { endpoint: standIn.url, maxAttempts: 1 });
    const key = (await services.identityCenter.credentials()).accessKeyId;
    standIn.refusedAccessKeys.add(key);
    standIn.expireAccessTokens();
    standIn.expireRefreshTokens();
    const error = await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'ImageVerified', Detail: '{}' }] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ReauthRequiredError' });
    expect(standIn.refusedPutEvents.map((r) => r.reason)).toEqual(['expired-token']);
    expect(await result('session.signIn.poll')).toMatchObject({ state: 'reauth-required' });
    expect(await result('session.status')).toMatchObject({ signedIn: false });
    expect(worklist.counts().unsentMutations).toBe(unsent);

    await result('session.signOut');
    expect(worklist.counts().unsentMutations).toBe(unsent);
    const store = await services.store;
    expect(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()?.n).toBe(unsent);

    // Signing in again goes straight back to the fixed role; the event then goes out with new credentials.
    await result('session.signIn.start', { flow: 'device' });
    await until('signed-in');
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'ImageVerified', Detail: '{}' }] }));
    expect(standIn.putEvents).toHaveLength(1);
    expect(standIn.putEvents[0]?.authorization).not.toContain(key);

    // No secret the identity provider handed out appears in any log line of the whole flow.
    const logged = JSON.stringify(log.lines);
    expect(standIn.issued.length).toBeGreaterThan(5);
    for (const secret of standIn.issued) expect(logged).not.toContain(secret);
  });
});
