import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../preload/ipcChannels.js';
import type { CallContext } from '../ipc/callContext.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import type { Services } from '../services.js';
import { APP_ORIGIN, isTrustedIpcSender } from './shellPolicy.js';

/**
 * The only place Electron's IPC event becomes a neutral CallContext. A call is accepted only from
 * the main frame of one of the app's own windows, loaded from the app's own origin.
 */
export function bridgeIpc(services: Services, registry: HandlerRegistry, windows: () => WebContents[]): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event: IpcMainInvokeEvent, method: unknown, input: unknown) => {
    const frame = event.senderFrame;
    const sender = { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame === event.sender.mainFrame, webContentsId: event.sender.id };
    if (!frame || !isTrustedIpcSender(sender, windows().map((contents) => contents.id))) {
      services.log.warn('security.ipc_refused', { frameKnown: frame !== null });
      return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the Atrium window' } };
    }
    const context: CallContext = { origin: APP_ORIGIN, frameUrl: frame.url, principal: services.principal.current() };
    return registry.invoke(method, input, context);
  });

  const unsubscribe = services.events.subscribe((name, payload) => {
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(CALL_CHANNEL);
  };
}
