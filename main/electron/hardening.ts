/**
 * Every security setting of the Electron shell, in one place. Read this file to know what a
 * renderer can and cannot do.
 */
import { app, session, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import type { Logger } from '../log/logger.js';
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

/** True for URLs of the app itself; everything else is foreign. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Applies the navigation, window, permission and webview rules to every web contents ever created. */
export function hardenApp(log: Logger): void {
  // Every renderer sandboxed, whatever a future window's webPreferences say (must run before ready).
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) {
        event.preventDefault();
        log.warn('security.navigation_blocked', { scheme: safeScheme(url) });
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      log.warn('security.window_open_denied', { scheme: safeScheme(url) });
      return { action: 'deny' };
    });
  });

  app.whenReady().then(() => {
    const ses = session.defaultSession;
    // Nothing the app does needs a permission prompt; deny them all by default.
    ses.setPermissionRequestHandler((_contents, permission, callback) => {
      log.warn('security.permission_denied', { permission });
      callback(false);
    });
    ses.setPermissionCheckHandler(() => false);
    ses.setDevicePermissionHandler(() => false);
    ses.on('will-download', (event) => event.preventDefault());
  }, (error: unknown) => log.error('security.harden_failed', { error: error as Error }));
}

function safeScheme(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'invalid';
  }
}
