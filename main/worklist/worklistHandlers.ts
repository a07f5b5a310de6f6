import { CallError } from '../ipc/callError.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';
import { StoreError } from '../store/storeErrors.js';
import type { Worklist } from './worklist.js';

/** StoreErrors become caller-facing errors with the store's own message; anything else stays internal. */
export function toCallError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.code) {
    case 'not_found':
      return new CallError('not_found', error.message);
    case 'conflict':
    case 'locked_by_other':
      return new CallError('conflict', error.message);
    case 'invalid':
      return new CallError('invalid_input', error.message);
    case 'phi_refused':
      return new CallError('forbidden', error.message);
    default:
      return new CallError('unavailable', error.message);
  }
}

async function withWorklist<T>(services: Services, fn: (worklist: Worklist, principal: string) => T | Promise<T>): Promise<T> {
  try {
    return await fn(await services.worklist, services.principal.current().id);
  } catch (error) {
    throw toCallError(error);
  }
}

/** The worklist's contract methods. Leases and audit entries name the current principal. */
export function registerWorklistHandlers(registry: HandlerRegistry, services: Services): void {
  // Pages and counts are read by the store's read worker, off the main event loop.
  registry.register('worklist.list', (input) => withWorklist(services, (w) => w.listOffMain(input)));
  registry.register('worklist.counts', () => withWorklist(services, (w) => w.countsOffMain()));
  registry.register('worklist.claimNext', (input) => withWorklist(services, (w, who) => w.claimNext(who, input?.filter ?? {})));
  registry.register('worklist.renewLease', ({ encounterId }) => withWorklist(services, (w, who) => w.renewLease(encounterId, who)));
  registry.register('worklist.hold', ({ encounterId, kind, reason }) => withWorklist(services, (w, who) => w.hold(encounterId, who, kind, reason)));
  registry.register('worklist.release', ({ encounterId }) => withWorklist(services, (w, who) => w.release(encounterId, who)));
  registry.register('worklist.undo', () => withWorklist(services, (w, who) => w.undo(who)));
  registry.register('encounter.get', ({ encounterId }) => withWorklist(services, (w, who) => w.get(encounterId, who)));
  registry.register('coding.saveDraft', ({ encounterId, draft, expectedRevision }) => withWorklist(services, (w, who) => w.saveDraft(encounterId, who, draft, expectedRevision)));
  registry.register('coding.submit', ({ encounterId, clientMutationId }) => withWorklist(services, (w, who) => w.submit(encounterId, who, clientMutationId)));
}
