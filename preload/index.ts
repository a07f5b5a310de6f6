/**
 * The whole preload: exposes the contract, and nothing else, as `window.atrium`. It runs sandboxed,
 * so it is bundled into one CommonJS file. Main validates every call again; this only keeps
 * arbitrary channel names out.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName, type AtriumBridge, type CallReply } from './contract';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipcChannels';

const bridge: AtriumBridge = {
  invoke(method, input): Promise<CallReply> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, input) as Promise<CallReply>;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event ${String(event)}`);
    const forward = (_sender: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('atrium', bridge);
