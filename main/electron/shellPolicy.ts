/**
 * The Electron shell's security decisions as plain functions, with no Electron at run time, so that
 * Node tests cover them where no Electron binary can run. hardening.ts, ipcBridge.ts and
 * appProtocol.ts apply them to Electron's events.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { BINARY_PREFIX } from '../binary/binaryRoutes.js';
import { securityHeaders } from '../security/contentSecurityPolicy.js';

export const APP_SCHEME = 'atrium';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The renderer's webPreferences, written out literally so a review can see them at a glance. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    disableBlinkFeatures: 'Auxclick',
  };
}

/** Headers for every response of the app scheme. */
export function appResponseHeaders(): Record<string, string> {
  return securityHeaders();
}

/** True for URLs of the app itself; everything else is foreign (navigation to it is blocked). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** The scheme of a URL for a log line (never the rest of it: it may carry a query with PHI). */
export function safeScheme(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'invalid';
  }
}

/** What IPC tells about the sender of a call. */
export interface IpcSender {
  /** The frame that sent it; null when it is gone (navigated away, destroyed). */
  readonly frameUrl: string | null;
  /** Whether that frame is its web contents' main frame (not an iframe). */
  readonly isMainFrame: boolean;
  readonly webContentsId: number;
}

/** A call is accepted only from the main frame of one of the app's own windows, loaded from the app's origin. */
export function isTrustedIpcSender(sender: IpcSender, appWindowIds: readonly number[]): boolean {
  return sender.frameUrl !== null && sender.isMainFrame && isAppUrl(sender.frameUrl) && appWindowIds.includes(sender.webContentsId);
}

export type AppSchemeRoute =
  | { readonly kind: 'refuse'; readonly status: 404 | 405; readonly message: string }
  | { readonly kind: 'binary'; readonly pathname: string }
  | { readonly kind: 'static'; readonly pathname: string };

/**
 * Where an atrium:// request goes: another host is not the app; the renderer only ever reads (no
 * uploads or form posts into the app's own files); the binary route, else a file of the bundle
 * (readStaticFile refuses traversal and links out of it).
 */
export function appSchemeRoute(method: string, url: string): AppSchemeRoute {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'refuse', status: 404, message: 'Not found' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { kind: 'refuse', status: 404, message: 'Not found' };
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refuse', status: 405, message: 'Method not allowed' };
  if (parsed.pathname.startsWith(BINARY_PREFIX)) return { kind: 'binary', pathname: parsed.pathname };
  return { kind: 'static', pathname: parsed.pathname };
}

/** Permission requests and checks (camera, geolocation, notifications, …): nothing the app does needs one. */
export function permissionDecision(_permission: string): boolean {
  return false;
}
