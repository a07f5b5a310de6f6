import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallReply } from '../../preload/contract.js';
import { IdentityCenterStandIn } from '../../test/standins/sso/identityCenterStandIn.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Services } from '../services.js';
import { ManualClock } from './clock.js';

/** The session's contract methods end to end: real services, real SDK clients, the SSO stand-in. */
describe('session contract methods', () => {
  let dir: string;
  let standIn: IdentityCenterStandIn;
  let services: Services;
  let registry: HandlerRegistry;
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
    services = new Services({
      mode: 'host',
      appVersion: '0.0.0-test',
      userDataDir: dir,
      resourcesDir: dir,
      log: createMemoryLogger(),
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
});
