import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { CallError } from '../ipc/callError.js';
import type { Services } from '../services.js';
import { OfflineStoreSync } from './offlineStoreSync.js';

/** Dead letters (retry, discard), server conflicts (keep mine, take theirs) and the sync history, for the sync view. */
export function registerDeadLetterHandlers(registry: HandlerRegistry, services: Services): void {
  const sync = async () => new OfflineStoreSync(await services.store, () => services.principal.current().id);
  registry.register('sync.deadLetters', async () => ({ items: (await sync()).deadLetters() }));
  registry.register('sync.deadLetters.retry', async ({ clientMutationId }) => {
    if (!(await sync()).retryDeadLetter(clientMutationId)) throw new CallError('not_found', 'No such dead letter');
    const engine = await services.sync;
    void engine.syncNow();
    return engine.status();
  });
  registry.register('sync.deadLetters.discard', async ({ clientMutationId }) => {
    if (!(await sync()).discardDeadLetter(clientMutationId)) throw new CallError('not_found', 'No such dead letter');
    services.log.info('sync.dead_letter_discarded', { clientMutationId });
    return (await services.sync).status();
  });
  registry.register('sync.conflicts', async () => ({ items: (await sync()).serverConflicts() }));
  registry.register('sync.conflicts.resolve', async ({ encounterId, choice }) => {
    if (!(await sync()).resolveServerConflict(encounterId, choice)) throw new CallError('not_found', 'No open conflict for this encounter');
    services.log.info('sync.conflict_resolved', { choice });
    // The status bar and worklist indicators count open conflicts.
    (await services.sync).announce();
    return { encounterId, choice };
  });
  registry.register('sync.history', async () => ({ runs: (await services.sync).history() }));
  registry.register('sync.connectivity', async ({ online }) => {
    const engine = await services.sync;
    engine.setOnline(online);
    return engine.status();
  });
}
