import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { CodingService } from './codingService.js';

/** `codes.search`, `coding.group` and `codes.warm`; the service's data loads on the first call or on warm. */
export function registerCodingHandlers(registry: HandlerRegistry, coding: () => CodingService): void {
  registry.register('codes.search', ({ query, system, limit }) => coding().search(query, system, limit));
  registry.register('coding.group', (encounter) => coding().group(encounter));
  registry.register('codes.warm', () => ({ scheduled: coding().warm() }));
}
