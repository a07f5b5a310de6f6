import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { createMemoryLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Services } from '../services.js';
import { ManualClock } from './clock.js';

const PIN = 'correct-horse-7';

describe('the idle lock, through the contract', () => {
  let dir: string;
  let clock: ManualClock;
  let services: Services;
  let registry: HandlerRegistry;
  let log: ReturnType<typeof createMemoryLogger>;
  const context: CallContext = { origin: 'test', frameUrl: 'test', principal: { id: 'local:t', displayName: 't', kind: 'local-profile' } };
  const call = (method: string, input?: unknown) => registry.invoke(method, input, context);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-lock-'));
    clock = new ManualClock();
    log = createMemoryLogger();
    launch();
  });
  /** Starts the services (again) over the same data folder, as a relaunch of the app does. */
  const launch = () => {
    services = new Services({
      mode: 'host',
      appVersion: '0.0.0-test',
      userDataDir: dir,
      resourcesDir: dir,
      log,
      createSealer: () => new FileKeySealer(dir),
      policyFile: join(dir, 'no-policy.json'),
      clock,
    });
    registry = createHandlerRegistry(services);
    // A stand-in PHI method: the mechanism is the same for contract methods marked `phi: true`.
    registry.markPhi('status.summary');
    void services.sessionLock; // started with the app (connectServiceEvents), so idle time counts from here
  };
  afterEach(async () => {
    await services.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('locks after session.idleLockMinutes without activity and refuses PHI calls until unlocked', async () => {
    expect(await call('session.lock.setSecret', { secret: PIN })).toMatchObject({ ok: true, result: { hasSecret: true, locked: false } });
    const events: unknown[] = [];
    services.events.subscribe((name, payload) => name === 'session.lock.changed' && events.push(payload));

    clock.advance(14 * 60_000);
    expect(await call('session.activity')).toMatchObject({ ok: true, result: { locked: false } });
    clock.advance(14 * 60_000);
    expect(await call('status.summary')).toMatchObject({ ok: true });
    clock.advance(60_000 + 1);
    expect(await call('status.summary')).toEqual({ ok: false, error: { code: 'locked', message: expect.stringMatching(/locked/) } });
    expect(await call('session.activity')).toMatchObject({ ok: true, result: { locked: true } }); // activity does not unlock
    // Calls that read no PHI still work: the lock screen needs them.
    expect(await call('session.status')).toMatchObject({ ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toContainEqual(expect.objectContaining({ locked: true }));

    expect(await call('session.unlock', { secret: 'wrong-guess' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('status.summary')).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await call('session.unlock', { secret: PIN })).toMatchObject({ ok: true, result: { locked: false } });
    expect(await call('status.summary')).toMatchObject({ ok: true });
  });

  it('refuses binary routes (frames are PHI) while locked, before the route handler runs', async () => {
    let ran = 0;
    services.binaryRoutes.register('frames', async () => {
      ran += 1;
      return { body: new Uint8Array([1]), contentType: 'application/octet-stream' };
    });
    const fetchFrame = () => services.binaryRoutes.handle('/binary/frames/1', new URLSearchParams(), context, new AbortController().signal);
    await expect(fetchFrame()).resolves.toMatchObject({ contentType: 'application/octet-stream' });
    await call('session.lock.setSecret', { secret: PIN });
    await call('session.lock');
    await expect(fetchFrame()).rejects.toMatchObject({ code: 'locked' });
    expect(ran).toBe(1);
  });

  it('follows the policy idle time, and locks on request', async () => {
    services.settings.set('session.idleLockMinutes', 2);
    clock.advance(2 * 60_000);
    expect(await call('session.lock.status')).toMatchObject({ ok: true, result: { locked: true, idleLockMinutes: 2 } });
    expect(await call('session.lock.setSecret', { secret: PIN })).toMatchObject({ ok: true, result: { locked: false } });
    expect(await call('session.lock')).toMatchObject({ ok: true, result: { locked: true } });
  });

  it('slows down guessing after five wrong secrets', async () => {
    await call('session.lock.setSecret', { secret: PIN });
    await call('session.lock');
    for (let i = 0; i < 5; i++) expect(await call('session.unlock', { secret: `guess-${i}-xx` })).toMatchObject({ ok: false });
    const status = await call('session.lock.status');
    expect(status).toMatchObject({ ok: true, result: { retryAfterSeconds: 30 } });
    // Even the right secret waits out the delay.
    expect(await call('session.unlock', { secret: PIN })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Too many/) } });
    clock.advance(30_000);
    expect(await call('session.unlock', { secret: PIN })).toMatchObject({ ok: true, result: { locked: false } });
  });

  it('relaunching is no way round the lock: a station with a PIN starts locked, and the back-off is kept', async () => {
    await call('session.lock.setSecret', { secret: PIN });
    await call('session.lock');
    for (let i = 0; i < 5; i++) await call('session.unlock', { secret: `guess-${i}-xx` });
    await services.dispose();
    launch();
    expect(await call('status.summary')).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await call('session.lock.status')).toMatchObject({ ok: true, result: { locked: true, retryAfterSeconds: 30 } });
    clock.advance(30_000);
    expect(await call('session.unlock', { secret: PIN })).toMatchObject({ ok: true, result: { locked: false } });
  });

  it('changing the secret needs the current one, and never works while locked', async () => {
    await call('session.lock.setSecret', { secret: PIN });
    expect(await call('session.lock.setSecret', { secret: 'another-pin-1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('session.lock.setSecret', { secret: 'another-pin-1', current: PIN })).toMatchObject({ ok: true });
    await call('session.lock');
    expect(await call('session.lock.setSecret', { secret: 'sneaky-pin-1', current: 'another-pin-1' })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('keeps the secret as a sealed scrypt verifier, and never logs it', async () => {
    await call('session.lock.setSecret', { secret: PIN });
    await call('session.lock');
    await call('session.unlock', { secret: 'wrong-guess' });
    const files = readdirSync(join(dir, 'identity-center'));
    expect(files.sort()).toEqual(['unlock-attempts.sealed', 'unlock.sealed']);
    const raw = readFileSync(join(dir, 'identity-center', 'unlock.sealed'), 'latin1');
    expect(raw).not.toContain(PIN);
    expect(raw).not.toContain('scrypt');
    expect(JSON.stringify(log.lines)).not.toContain(PIN);
    expect(JSON.stringify(log.lines)).not.toContain('wrong-guess');
  });

  it('with Identity Center configured, PHI waits for a PIN chosen after sign-in', async () => {
    services.settings.set('aws.sso.startUrl', 'https://hospital.awsapps.com/start');
    expect(await call('status.summary')).toMatchObject({ ok: false, error: { code: 'locked', message: expect.stringMatching(/PIN/) } });
    expect(await call('session.lock.setSecret', { secret: PIN })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    services.principal.setSignedIn({ id: 'sso:1', displayName: 'Coder', kind: 'identity-center' }, new Date(clock.now() + 3600_000));
    expect(await call('session.lock.setSecret', { secret: PIN })).toMatchObject({ ok: true });
    expect(await call('status.summary')).toMatchObject({ ok: true });
  });
});
