import { isReauthRequired, isSsoOffline } from '../aws/sso/ssoErrors.js';
import { CallError } from '../ipc/callError.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';

/**
 * The session's contract methods: Identity Center sign-in, role choice, sign-out, and the idle lock.
 * Also installs the lock as the registry's PHI gate, so every method the contract marks `phi` is
 * refused while the station is locked.
 */
export function registerSessionHandlers(registry: HandlerRegistry, services: Services): void {
  registry.setPhiGate(() => services.sessionLock.assertUnlocked());

  registry.register('session.signIn.start', ({ flow }) => services.identityCenter.startSignIn(flow));
  registry.register('session.signIn.poll', () => services.identityCenter.progress());
  registry.register('session.signIn.cancel', () => services.identityCenter.cancelSignIn());
  registry.register('session.accounts', async () => ({ accounts: await caller(services.identityCenter.accounts()) }));
  registry.register('session.selectRole', async ({ accountId, roleName, accountName }) => {
    await caller(services.identityCenter.selectRole(accountId, roleName, accountName ?? null));
    return services.principal.status();
  });
  registry.register('session.signOut', async () => {
    await services.identityCenter.signOut();
    await services.sessionLock.clearSecret();
    return services.principal.status();
  });
  registry.register('session.activity', () => {
    services.sessionLock.activity();
    return services.sessionLock.status();
  });
  registry.register('session.lock.status', () => services.sessionLock.status());
  registry.register('session.lock', () => {
    services.sessionLock.lock();
    return services.sessionLock.status();
  });
  registry.register('session.unlock', ({ secret }) => services.sessionLock.unlock(secret));
  registry.register('session.lock.setSecret', ({ secret, current }) => services.sessionLock.setSecret(secret, current));
}

/**
 * Starts the idle-lock timer with the services. A new sign-in never unlocks: another person could
 * sign in with their own identity at someone else's locked station.
 */
export function connectSessionEvents(services: Services): () => void {
  void services.sessionLock.status().catch(() => undefined);
  return () => undefined;
}

/** The session's own errors, as the caller-facing codes the renderer understands. */
async function caller<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isReauthRequired(error)) throw new CallError('forbidden', error.message);
    if (isSsoOffline(error)) throw new CallError('unavailable', error.message);
    throw error;
  }
}
