import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';
import { toCallError } from '../worklist/worklistHandlers.js';

/** The verify panel's contract methods; verifications are attributed to the current principal. */
export function registerVerificationHandlers(registry: HandlerRegistry, services: Services): void {
  registry.register('imaging.verification.get', async ({ studyInstanceUid, seriesInstanceUid }) => {
    try {
      return (await services.verifications).get(services.principal.current().id, studyInstanceUid, seriesInstanceUid);
    } catch (error) {
      throw toCallError(error);
    }
  });
  registry.register('imaging.verification.save', async (input) => {
    let saved;
    try {
      saved = (await services.verifications).save(services.principal.current().id, input);
    } catch (error) {
      throw toCallError(error);
    }
    // The outbox has a new row: sync soon (debounced, so a quick re-edit replaces it before it goes).
    void services.sync.then((engine) => engine.notifyLocalWrite()).catch((error: unknown) => services.log.warn('verification.sync_nudge_failed', { error: error as Error }));
    return saved;
  });
}
