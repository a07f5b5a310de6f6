import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { CodingClient } from './codingClient.js';

/** `codes.search`, `coding.group` and `codes.warm`, answered by the coding worker (started on the first call). */
export function registerCodingHandlers(registry: HandlerRegistry, coding: () => CodingClient): void {
  registry.register('codes.search', ({ query, system, limit }) => coding().search(query, system, limit));
  registry.register('coding.group', (encounter) => coding().group(encounter));
  registry.register('codes.warm', () => ({ scheduled: coding().warm() }));
}
