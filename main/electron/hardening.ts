/**
 * Applies the Electron shell's security rules to every web contents and the session. The decisions
 * themselves (what is the app's URL, which IPC sender is trusted, permissions, the webPreferences)
 * are plain functions in shellPolicy.ts; read both to know what a renderer can and cannot do.
 */
import { app, session, type WebContents } from 'electron';
import type { Logger } from '../log/logger.js';
import { isAppUrl, permissionDecision, safeScheme } from './shellPolicy.js';

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
      callback(permissionDecision(permission));
    });
    ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
    ses.setDevicePermissionHandler((details) => permissionDecision(details.deviceType));
    ses.on('will-download', (event) => event.preventDefault());
  }, (error: unknown) => log.error('security.harden_failed', { error: error as Error }));
}
