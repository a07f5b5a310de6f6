import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { CodingService } from './codingService.js';

/** `codes.search` and `coding.group`; the service (and its data) is built on the first call. */
export function registerCodingHandlers(registry: HandlerRegistry, coding: () => CodingService): void {
  registry.register('codes.search', ({ query, system, limit }) => coding().search(query, system, limit));
  registry.register('coding.group', (encounter) => coding().group(encounter));
}
