import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';
import { productivity } from './productivity.js';

/** The app session starts with this process: the panel counts what was submitted since. */
const SESSION_START_MS = Math.floor(performance.timeOrigin);

/** `coding.productivity`: the current coder's figures for this session, from the store. */
export function registerProductivityHandler(registry: HandlerRegistry, services: Services): void {
  registry.register('coding.productivity', async () => productivity(await services.store, services.principal.current().id, SESSION_START_MS));
}
