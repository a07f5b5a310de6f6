/**
 * The whole preload: exposes the contract, and nothing else, as `window.atrium`. It runs sandboxed,
 * so it is bundled into one CommonJS file; the contract's names are inlined at build time (see
 * scripts/build.mjs) so the bundle does not carry zod. Main validates every call again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AtriumBridge, CallReply } from './contract';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipcChannels';

declare const __ATRIUM_METHODS__: readonly string[];
declare const __ATRIUM_EVENTS__: readonly string[];
const methods = new Set<string>(__ATRIUM_METHODS__);
const events = new Set<string>(__ATRIUM_EVENTS__);

const bridge: AtriumBridge = {
  invoke(method, input): Promise<CallReply> {
    if (!methods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}` } });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, input) as Promise<CallReply>;
  },
  on(event, listener) {
    if (!events.has(event)) throw new Error(`Unknown event ${String(event)}`);
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
