import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { CodingClient } from './codingClient.js';

/**
 * `codes.search`, `coding.group` and `codes.warm`, answered by the coding worker (started on the first call).
 * `onWarm` starts what should wait for the warm-up (the worklist's DRG estimates).
 */
export function registerCodingHandlers(registry: HandlerRegistry, coding: () => CodingClient, onWarm: () => void = () => undefined): void {
  registry.register('codes.search', ({ query, system, limit }) => coding().search(query, system, limit));
  registry.register('coding.group', (encounter) => coding().group(encounter));
  registry.register('codes.warm', () => {
    const scheduled = coding().warm();
    onWarm();
    return { scheduled };
  });
}
