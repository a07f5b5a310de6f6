import { platform } from 'node:os';
import type { UpdateStatus } from '../preload/contract.js';
import { registerCodingHandlers } from './coding/codingHandlers.js';
import { registerProductivityHandler } from './coding/productivityHandler.js';
import { registerImagingHandlers } from './imaging/imagingHandlers.js';
import { registerVerificationHandlers } from './imaging/verificationHandlers.js';
import { HandlerRegistry } from './ipc/handlerRegistry.js';
import { registerDeadLetterHandlers } from './sync/deadLetterHandlers.js';
import type { Services } from './services.js';
import { connectSessionEvents, registerSessionHandlers } from './session/sessionHandlers.js';
import { registerWorklistHandlers } from './worklist/worklistHandlers.js';

/**
 * Wires every contract method to its service. Electron and the host both call this; each
 * capability adds its handlers here, so the registry is complete in every mode.
 */
export function createHandlerRegistry(services: Services): HandlerRegistry {
  const registry = new HandlerRegistry(services.log);
  // PHI reads and decisions are audited by the registry itself, into the store's hash-chained log.
  registry.setAuditSink(async (entry) => (await services.store).auditNow(entry));

  registry.register('app.info', () => ({
    name: 'Atrium',
    version: services.env.appVersion,
    mode: services.env.mode === 'electron' ? 'electron' : 'host',
    platform: platform(),
    sealer: services.sealer.kind,
    demo: services.settings.get('warehouse.kind') === 'local',
  }));
  registry.register('settings.get', () => services.settings.snapshot());
  registry.register('settings.set', ({ key, value }) => services.settings.set(key, value));
  registry.register('session.status', () => services.principal.status());
  registerSessionHandlers(registry, services);
  registerCodingHandlers(registry, () => services.coding, () => services.startDrgEstimates());
  registerProductivityHandler(registry, services);
  registerWorklistHandlers(registry, services);
  registerImagingHandlers(registry, services);
  registerVerificationHandlers(registry, services);
  registry.register('status.summary', async () => ({ pendingUploads: await pendingUploads(services), model: services.codeSuggester.describe() }));
  registry.register('sync.status', async () => (await services.sync).status());
  registry.register('sync.now', async () => {
    const engine = await services.sync;
    await engine.syncNow();
    return engine.status();
  });
  registerDeadLetterHandlers(registry, services);
  registry.register('updates.status', () => services.updates?.status() ?? unsupportedUpdates(services));
  registry.register('updates.check', async () => (await services.updates?.check()) ?? unsupportedUpdates(services));
  registry.register('updates.download', async () => (await services.updates?.download()) ?? unsupportedUpdates(services));

  return registry;
}

/** The outbox's unsent count; null where the store cannot be opened (another copy holds it, a damaged file). */
async function pendingUploads(services: Services): Promise<number | null> {
  try {
    return (await services.sync).status().pending;
  } catch {
    return null;
  }
}

function unsupportedUpdates(services: Services): UpdateStatus {
  const values = services.settings.snapshot().values;
  return {
    state: 'unsupported',
    mode: values['updates.mode'],
    channel: values['updates.channel'],
    version: null,
    percent: null,
    lastCheckedAt: null,
    message: 'This copy of Atrium is updated by the desktop installer, not from here',
  };
}

/** Forwards service changes to the event bus; returns a function that stops forwarding. */
export function connectServiceEvents(services: Services): () => void {
  const stops = [
    services.settings.onChange((snapshot) => {
      services.events.emit('settings.changed', snapshot);
      services.updates?.applySettings();
    }),
    services.principal.onChange((status) => services.events.emit('session.changed', status)),
    connectSessionEvents(services),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
