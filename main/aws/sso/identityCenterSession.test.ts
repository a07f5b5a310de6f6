import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SSOClient } from '@aws-sdk/client-sso';
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignInProgress } from '../../../preload/contract.js';
import { IdentityCenterStandIn } from '../../../test/standins/sso/identityCenterStandIn.js';
import { createMemoryLogger } from '../../log/logger.js';
import { FileKeySealer } from '../../security/secretSealer.js';
import { ManualClock } from '../../session/clock.js';
import { PrincipalService } from '../../session/principalService.js';
import { AwsClientFactory } from '../awsClientFactory.js';
import { IdentityCenterSession, type IdentityCenterConfig } from './identityCenterSession.js';
import { isReauthRequired, isSsoOffline } from './ssoErrors.js';

const START_URL = 'https://hospital.awsapps.com/start';

describe('Identity Center sign-in against the stand-in, with the real SSO-OIDC and SSO clients', () => {
  let dir: string;
  let clock: ManualClock;
  let standIn: IdentityCenterStandIn;
  let principal: PrincipalService;
  let config: IdentityCenterConfig;
  let log: ReturnType<typeof createMemoryLogger>;
  let factory: AwsClientFactory;
  let session: IdentityCenterSession;
  let progress: SignInProgress[];
  let endpoint: string;

  const makeSession = () => {
    progress = [];
    const s: IdentityCenterSession = new IdentityCenterSession({
      sealer: new FileKeySealer(dir),
      dir: join(dir, 'identity-center'),
      config: () => config,
      oidc: () => factory.create(SSOOIDCClient, { endpoint, maxAttempts: 1 }),
      portal: () => factory.create(SSOClient, { endpoint, maxAttempts: 1 }),
      principal,
      clock,
      log,
      onProgress: (p) => progress.push(p),
    });
    return s;
  };

  const settled = async (state: SignInProgress['state']): Promise<SignInProgress> => {
    for (let i = 0; i < 2000; i++) {
      const current = session.progress();
      if (current.state === state) return current;
      if (current.state === 'failed' && state !== 'failed') throw new Error(`sign-in failed: ${current.message}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`never reached ${state}; last ${session.progress().state}`);
  };

  const signInWithDevice = async (polls: ('pending' | 'slow_down')[] = []) => {
    standIn.devicePolls = polls;
    const started = await session.startSignIn('device');
    expect(started.state).toBe('pending');
    return settled('signed-in');
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-sso-'));
    clock = new ManualClock();
    standIn = await new IdentityCenterStandIn({ now: () => clock.now() }).start();
    endpoint = standIn.url;
    principal = new PrincipalService('tester');
    config = { startUrl: START_URL, region: 'eu-west-1', accountId: null, roleName: null, accountLocked: false, roleLocked: false };
    log = createMemoryLogger();
    factory = new AwsClientFactory({ region: () => 'eu-west-1', credentials: () => session.credentials, onCredentialsRejected: () => session.invalidateCredentials() });
    session = makeSession();
  });
  afterEach(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('device flow: pending, then slow_down (+5 s for the rest of the flow), then a token and role credentials', async () => {
    const started = await session.startSignIn('device');
    expect(started.userCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(started.verificationUri).toBe(`${standIn.url}/device`);
    expect(JSON.stringify(started)).not.toContain('device-'); // the device code stays in main
    standIn.devicePolls = ['pending', 'slow_down', 'pending'];
    await settled('signed-in');

    const gaps = standIn.pollTimes.map((t, i) => t - (standIn.pollTimes[i - 1] ?? t)).slice(1);
    expect(gaps).toEqual([1000, 6000, 6000]);
    expect(standIn.count('/client/register')).toBe(1);

    const status = principal.status();
    expect(status.signedIn).toBe(true);
    expect(status.principal).toMatchObject({ kind: 'identity-center', displayName: 'Coder (Radiology)' });
    expect(Date.parse(status.expiresAt ?? '')).toBe(clock.now() + 3600_000);

    const creds = await session.credentials();
    expect(creds.accessKeyId).toBe('ASIASTANDIN000000001');
    // Sealed at rest: neither token nor key appears in any file Atrium wrote.
    for (const file of readdirSync(join(dir, 'identity-center'))) {
      const raw = readFileSync(join(dir, 'identity-center', file), 'latin1');
      for (const secret of ['access-', 'refresh-', 'secret-', creds.secretAccessKey, creds.accessKeyId]) expect(raw).not.toContain(secret);
    }
    // ... nor in a log line.
    expect(JSON.stringify(log.lines)).not.toMatch(/access-|refresh-|standin-secret|standin-session/);
  });

  it('gives up when the code expires unapproved, and when the person declines', async () => {
    await session.startSignIn('device');
    standIn.devicePolls = Array.from({ length: 40 }, () => 'slow_down' as const);
    const failed = await settled('failed');
    expect(failed.message).toMatch(/expired/);

    standIn.devicePolls = [];
    standIn.approve = false;
    await session.startSignIn('device');
    expect((await settled('failed')).message).toMatch(/declined/);
    expect(principal.status().signedIn).toBe(false);
  });

  it('caches the client registration (sealed) until it expires', async () => {
    await signInWithDevice();
    session = makeSession();
    await session.signOut();
    await signInWithDevice();
    expect(standIn.count('/client/register')).toBe(1);
    clock.advance(91 * 86_400_000);
    await signInWithDevice();
    expect(standIn.count('/client/register')).toBe(2);
  });

  it('renews role credentials five minutes before expiry, refreshing the access token first', async () => {
    await signInWithDevice();
    const first = await session.credentials();
    clock.advance(54 * 60_000);
    expect((await session.credentials()).accessKeyId).toBe(first.accessKeyId);
    const tokenCalls = standIn.count('/token');
    clock.advance(60_001);
    const second = await session.credentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    // The access token also expires within five minutes, so it was refreshed (refresh_token grant).
    expect(standIn.count('/token')).toBe(tokenCalls + 1);
    expect(standIn.requests.at(-2)?.body).toContain('"grantType":"refresh_token"');
    expect(principal.status().signedIn).toBe(true);
  });

  it('an expired refresh token asks for re-authentication and leaves queued work alone', async () => {
    await signInWithDevice();
    const queue = ['admit', 'code', 'sign'];
    const events = factory.create(EventBridgeClient, { endpoint: standIn.url, maxAttempts: 1 });
    const drain = async () => {
      while (queue.length > 0) {
        try {
          await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: queue[0], Detail: '{}' }] }));
        } catch (error) {
          if (isReauthRequired(error)) return error;
          throw error;
        }
        queue.shift();
      }
      return null;
    };
    queue.splice(1); // send the first item only
    expect(await drain()).toBeNull();
    queue.push('code', 'sign');
    expect(standIn.putEvents[0]?.authorization).toContain('Credential=ASIASTANDIN000000001/');

    standIn.expireAccessTokens();
    standIn.expireRefreshTokens();
    clock.advance(59 * 60_000);
    const error = await drain();
    expect(error?.name).toBe('ReauthRequiredError');
    expect(queue).toEqual(['code', 'sign']);
    expect(principal.status().signedIn).toBe(false);
    expect(session.progress().state).toBe('reauth-required');

    // Signing in again goes straight back to the same role; the queue then drains.
    await signInWithDevice(['pending']);
    expect(await drain()).toBeNull();
    expect(queue).toEqual([]);
    expect(standIn.putEvents.map((p) => p.entries.length)).toEqual([1, 1, 1]);
    expect(standIn.putEvents[2]?.authorization).toContain('Credential=ASIASTANDIN000000002/');
  });

  it('fetches fresh credentials when a service refuses the current ones before their time', async () => {
    await signInWithDevice();
    const first = await session.credentials();
    session.invalidateCredentials();
    expect((await session.credentials()).accessKeyId).not.toBe(first.accessKeyId);
  });

  it('a service refusing credentials before their time (ExpiredToken): the client renews them once and the call goes through', async () => {
    await signInWithDevice();
    const events = factory.create(EventBridgeClient, { endpoint: standIn.url, maxAttempts: 1 });
    standIn.refusedAccessKeys.add('ASIASTANDIN000000001');
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'code', Detail: '{}' }] }));
    expect(standIn.refusedPutEvents.map((r) => r.reason)).toEqual(['expired-token']);
    expect(standIn.putEvents.map((p) => /Credential=([^/]+)/.exec(p.authorization)?.[1])).toEqual(['ASIASTANDIN000000002']);
    expect(principal.status().signedIn).toBe(true);
    // Refused again with the renewed key too: no loop, the caller gets the service's error.
    standIn.refusedAccessKeys.add('ASIASTANDIN000000002').add('ASIASTANDIN000000003');
    await expect(events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'code', Detail: '{}' }] }))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    expect(standIn.refusedPutEvents).toHaveLength(3);
  });

  it('a service clock ten minutes off: the SDK corrects its clock skew from the Date header and the retry is accepted', async () => {
    await signInWithDevice();
    standIn.signatureSkewLimitMs = 5 * 60_000;
    // The stand-in's clock is the test's ManualClock, whatever the real time: put it ten minutes ahead of this machine.
    standIn.skewMs = Date.now() + 10 * 60_000 - clock.now();
    const events = factory.create(EventBridgeClient, { endpoint: standIn.url });
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'code', Detail: '{}' }] }));
    expect(standIn.refusedPutEvents.map((r) => r.reason)).toEqual(['signature-expired']);
    expect(standIn.putEvents).toHaveLength(1);
    expect(Math.abs(events.config.systemClockOffset - 10 * 60_000)).toBeLessThan(5_000);
    // Later calls sign on the corrected clock from the start.
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'atrium', DetailType: 'code', Detail: '{}' }] }));
    expect(standIn.refusedPutEvents).toHaveLength(1);
  });

  it('browser flow: authorization code with PKCE on a loopback redirect', async () => {
    const started = await session.startSignIn('browser');
    const authorize = new URL(started.verificationUri ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    // The "browser": follows the authorize redirect to Atrium's loopback listener.
    const landing = await fetch(authorize, { redirect: 'follow' });
    expect(await landing.text()).toContain('Signed in to Atrium');
    await settled('signed-in');
    expect(standIn.requests.find((r) => r.path === '/token' && r.body.includes('authorization_code'))?.body).toContain('codeVerifier');
    expect(principal.status().signedIn).toBe(true);
  });

  it('a forged callback (wrong state) is ignored', async () => {
    const started = await session.startSignIn('browser');
    const redirect = new URL(new URL(started.verificationUri ?? '').searchParams.get('redirect_uri') ?? '');
    redirect.searchParams.set('code', 'code-forged');
    redirect.searchParams.set('state', 'not-ours');
    expect((await fetch(redirect)).status).toBe(400);
    expect(session.progress().state).toBe('pending');
    session.cancelSignIn();
    expect(session.progress().state).toBe('idle');
  });

  it('lists every account and role (all pages) and lets the person choose; policy narrows the choice', async () => {
    standIn.accounts = [
      { accountId: '111122223333', accountName: 'Radiology', roles: ['Coder', 'Reviewer'] },
      { accountId: '444455556666', accountName: 'Research', roles: ['Analyst'] },
    ];
    await session.startSignIn('device');
    await settled('choose-role');
    expect(principal.status().signedIn).toBe(false);
    expect(await session.accounts()).toEqual([
      { accountId: '111122223333', accountName: 'Radiology', roles: ['Coder', 'Reviewer'] },
      { accountId: '444455556666', accountName: 'Research', roles: ['Analyst'] },
    ]);

    config = { ...config, accountId: '111122223333', roleName: 'Coder', accountLocked: true, roleLocked: true };
    expect(await session.accounts()).toEqual([{ accountId: '111122223333', accountName: 'Radiology', roles: ['Coder'] }]);
    await expect(session.selectRole('444455556666', 'Analyst')).rejects.toMatchObject({ code: 'forbidden' });
    await session.selectRole('111122223333', 'Coder', 'Radiology');
    expect(principal.status().signedIn).toBe(true);
  });

  it('reads the service clock: credentials from a server two hours ahead still renew on time', async () => {
    standIn.skewMs = 2 * 3600_000;
    await signInWithDevice();
    const first = await session.credentials();
    expect(session.clockSkewMs).toBe(2 * 3600_000);
    clock.advance(56 * 60_000);
    expect((await session.credentials()).accessKeyId).not.toBe(first.accessKeyId);
  });

  it('offline during a refresh: keeps using credentials that still work, then says offline (not signed out)', async () => {
    await signInWithDevice();
    const first = await session.credentials();
    await standIn.stop();
    clock.advance(56 * 60_000);
    expect((await session.credentials()).accessKeyId).toBe(first.accessKeyId);
    clock.advance(5 * 60_000);
    const error = await session.credentials().catch((e: unknown) => e);
    expect(isSsoOffline(error)).toBe(true);
    expect(principal.status().signedIn).toBe(true);
  });

  it('restores a sealed session on the next launch, and sign-out wipes it', async () => {
    await signInWithDevice();
    const creds = await session.credentials();
    principal = new PrincipalService('tester');
    session = makeSession();
    await session.restore();
    expect(principal.status().signedIn).toBe(true);
    const before = standIn.requests.length;
    expect((await session.credentials()).accessKeyId).toBe(creds.accessKeyId);
    expect(standIn.requests.length).toBe(before);

    await session.signOut();
    expect(principal.status().signedIn).toBe(false);
    expect(standIn.count('/logout')).toBe(1); // the portal session ends too
    session = makeSession();
    await session.restore();
    expect(principal.status().signedIn).toBe(false);
    await expect(session.credentials()).rejects.toMatchObject({ name: 'ReauthRequiredError' });
  });

  it('refuses to start without a start URL', async () => {
    config = { ...config, startUrl: null };
    await expect(session.startSignIn('device')).rejects.toMatchObject({ code: 'unavailable' });
  });
});
