/**
 * Electron's main process: a thin adapter. It builds the same services as the host through the
 * composition root, serves the renderer from atrium://app, and maps IPC onto the contract.
 */
import { app, BrowserWindow, dialog, screen, shell } from 'electron';
import { autoUpdater } from 'electron-updater';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restorableState, type WindowState } from '../app/windowGeometry.js';
import { ensureDemoData } from '../demo/firstRun.js';
import { createHandlerRegistry, connectServiceEvents } from '../handlers.js';
import { createFileLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import { Services } from '../services.js';
import { registerAppScheme, serveAppScheme } from './appProtocol.js';
import { hardenApp } from './hardening.js';
import { APP_ORIGIN, secureWebPreferences } from './shellPolicy.js';
import { bridgeIpc } from './ipcBridge.js';
import { createNetRequestHandler } from './netRequestHandler.js';
import { SafeStorageSealer } from './safeStorageSealer.js';

// The bundle lives at out/main/electron/index.cjs; renderer and preload sit beside it under out/.
const OUT_DIR = join(__dirname, '..', '..');
const RENDERER_DIR = join(OUT_DIR, 'renderer');
const PRELOAD = join(OUT_DIR, 'preload', 'index.cjs');

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const userData = app.getPath('userData');
  const log = createFileLogger({ file: join(userData, 'logs', 'main.log') });
  hardenApp(log);
  const services = new Services({
    mode: 'electron',
    // AWS SDK traffic on Chromium's stack: system proxy, PAC, OS trust store.
    awsRequestHandler: createNetRequestHandler,
    // The Identity Center sign-in page opens in the person's browser; only https pages, never files.
    openExternal: async (url) => {
      if (new URL(url).protocol === 'https:') await shell.openExternal(url);
    },
    appVersion: app.getVersion(),
    userDataDir: userData,
    resourcesDir: app.isPackaged ? join(process.resourcesPath, 'resources') : join(OUT_DIR, '..', 'resources'),
    sqliteNativeBinding: app.isPackaged ? join(process.resourcesPath, 'native', 'better_sqlite3.node') : join(OUT_DIR, '..', 'native', 'electron', 'better_sqlite3.node'),
    log,
    // Installed per machine by IT: electron-updater replaces the app on quit, after the store closed.
    createUpdater: () => {
      autoUpdater.logger = { info: () => undefined, warn: (m: unknown) => log.warn('updates.updater', { detail: String(m) }), error: (m: unknown) => log.error('updates.updater', { detail: String(m) }) };
      return autoUpdater;
    },
    createSealer: () => {
      try {
        return new SafeStorageSealer();
      } catch (error) {
        log.warn('sealer.no_keyring', { error: error as Error });
        return new FileKeySealer(userData);
      }
    },
  });
  let mainWindow: BrowserWindow | null = null;
  const stateFile = join(userData, 'window-state.json');

  const readWindowState = (): WindowState | null => {
    try {
      return restorableState(JSON.parse(readFileSync(stateFile, 'utf8')), screen.getAllDisplays().map((d) => d.workArea));
    } catch {
      return null;
    }
  };

  const createWindow = () => {
    const saved = readWindowState();
    const win = new BrowserWindow({
      ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : { width: 1400, height: 900 }),
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: 'Atrium',
      backgroundColor: '#0f1216',
      webPreferences: secureWebPreferences(PRELOAD),
    });
    if (saved?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('close', () => {
      const bounds = win.getNormalBounds();
      try {
        writeFileSync(stateFile, JSON.stringify({ ...bounds, maximized: win.isMaximized() }));
      } catch (error) {
        log.warn('window.state_not_saved', { error: error as Error });
      }
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      log.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode });
      if (details.reason === 'clean-exit') return;
      const choice = dialog.showMessageBoxSync(win, {
        type: 'error',
        message: 'The Atrium window stopped unexpectedly.',
        detail: 'Your saved work is safe in the local store. Reload the window to continue.',
        buttons: ['Reload', 'Quit'],
        defaultId: 0,
      });
      if (choice === 0) win.reload();
      else app.quit();
    });
    win.on('unresponsive', () => {
      log.warn('renderer.unresponsive');
      const choice = dialog.showMessageBoxSync(win, {
        type: 'warning',
        message: 'Atrium is not responding.',
        detail: 'You can wait for it, or reload the window (saved work is kept).',
        buttons: ['Wait', 'Reload'],
        defaultId: 0,
      });
      if (choice === 1) win.webContents.forcefullyCrashRenderer();
    });
    void win.loadURL(`${APP_ORIGIN}/index.html`);
    mainWindow = win;
    win.on('closed', () => {
      mainWindow = null;
    });
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.whenReady().then(() => {
    serveAppScheme(services, RENDERER_DIR);
    const registry = createHandlerRegistry(services);
    const stopEvents = connectServiceEvents(services);
    const stopIpc = bridgeIpc(services, registry, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    createWindow();
    services.openWorklistEarly();
    // First run on the embedded demo: seeded in the background; the worklist refreshes when it lands.
    ensureDemoData(services).catch((error: unknown) => log.error('demo.seed_failed', { error: error as Error }));
    // First check shortly after start, off the critical path of the first paint.
    setTimeout(() => services.updates?.status(), 10_000).unref();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
    // Close the store (and finish any write) before the app exits, so an update installing on quit
    // never replaces the app under an open transaction.
    let disposed = false;
    app.on('will-quit', (event) => {
      if (disposed) return;
      event.preventDefault();
      stopIpc();
      stopEvents();
      void services.dispose().finally(() => {
        disposed = true;
        app.quit();
      });
    });
  }, (error: unknown) => {
    log.error('app.start_failed', { error: error as Error });
    dialog.showErrorBox('Atrium could not start', String((error as Error).message ?? error));
    app.quit();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
