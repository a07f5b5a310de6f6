import type { Settings, UpdateStatus } from '../../preload/contract.js';
import type { Logger } from '../log/logger.js';

/**
 * The part of electron-updater's AppUpdater that Atrium drives. The real updater implements it in the
 * app; tests drive a real electron-updater instance against a local feed.
 */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  channel: string | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  /** Null when the updater is inactive (not a packaged, self-updatable install). */
  checkForUpdates(): Promise<{ isUpdateAvailable?: boolean; updateInfo: { version: string }; downloadPromise?: Promise<unknown> | null } | null>;
  downloadUpdate(): Promise<unknown>;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
}

export type UpdateSettings = Pick<Settings, 'updates.mode' | 'updates.channel' | 'updates.feedUrl'>;

export interface UpdateControllerOptions {
  updater: UpdaterPort;
  settings: () => UpdateSettings;
  log: Logger;
  /** Injected so tests control time; defaults to the real timers. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  now?: () => number;
  onChange?: (status: UpdateStatus) => void;
}

export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 60 * 1000;
const MAX_RETRY_MS = CHECK_INTERVAL_MS;

/**
 * Applies the policy to the updater: `off` never touches the network; `manual` checks and reports,
 * downloading only when asked; `auto` downloads in the background. An update is only ever installed
 * when the app quits (after the services have closed the store), never mid-session. Network errors
 * (offline, proxy) are expected on hospital networks: they are logged once and retried with backoff.
 */
export class UpdateController {
  private state: UpdateStatus = { state: 'idle', mode: 'off', channel: 'stable', version: null, percent: null, lastCheckedAt: null, message: null };
  private timer: unknown = null;
  private applied = '';
  private failures = 0;
  private readonly timers: NonNullable<UpdateControllerOptions['timers']>;
  private readonly now: () => number;

  constructor(private readonly options: UpdateControllerOptions) {
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.now = options.now ?? Date.now;
    options.updater.on('update-downloaded', (info) => this.set({ state: 'ready', version: info.version, percent: 100, message: 'Installs when Atrium quits' }));
    options.updater.on('download-progress', (p) => this.set({ state: 'downloading', percent: Math.round(p.percent) }));
    this.applySettings();
  }

  status(): UpdateStatus {
    return this.state;
  }

  /** Re-reads the policy (call when settings change) and schedules the next check. */
  applySettings(): void {
    const s = this.options.settings();
    const key = JSON.stringify([s['updates.mode'], s['updates.channel'], s['updates.feedUrl']]);
    if (key === this.applied) return;
    this.applied = key;
    const { updater } = this.options;
    this.cancelTimer();
    updater.autoDownload = s['updates.mode'] === 'auto';
    updater.autoInstallOnAppQuit = s['updates.mode'] !== 'off';
    // Moving from beta back to stable must be able to install the (lower) stable version.
    updater.allowDowngrade = s['updates.channel'] === 'stable';
    if (s['updates.feedUrl']) updater.setFeedURL({ provider: 'generic', url: s['updates.feedUrl'], channel: channelName(s) });
    updater.channel = channelName(s);
    if (s['updates.mode'] === 'off') {
      this.set({ state: 'disabled', mode: 'off', channel: s['updates.channel'], message: 'Updates are turned off' });
      return;
    }
    this.set({ state: this.state.state === 'disabled' ? 'idle' : this.state.state, mode: s['updates.mode'], channel: s['updates.channel'], message: null });
    this.schedule(0);
  }

  /** Checks now (the user asked, or the schedule fired). Never throws. */
  async check(): Promise<UpdateStatus> {
    if (this.options.settings()['updates.mode'] === 'off') return this.state;
    this.cancelTimer();
    this.set({ state: 'checking', message: null });
    try {
      const result = await this.options.updater.checkForUpdates();
      this.failures = 0;
      if (result === null) {
        this.set({ state: 'unsupported', message: 'This installation is updated by your IT department' });
        return this.state;
      }
      if (result.isUpdateAvailable !== true) {
        this.set({ state: 'up-to-date', version: result.updateInfo.version, lastCheckedAt: new Date(this.now()).toISOString() });
      } else {
        result.downloadPromise?.catch((error: unknown) => {
          this.options.log.warn('updates.download_failed', { error: error as Error });
          this.set({ state: 'error', percent: null, message: 'The update could not be downloaded; will try again later' });
        });
        const auto = this.options.settings()['updates.mode'] === 'auto';
        this.set({
          state: auto ? 'downloading' : 'available',
          version: result.updateInfo.version,
          lastCheckedAt: new Date(this.now()).toISOString(),
          message: auto ? null : 'An update is available; download it from the Sync view or the command palette',
        });
      }
      this.schedule(CHECK_INTERVAL_MS);
    } catch (error) {
      this.failures += 1;
      const retryMs = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
      // Offline or behind a proxy is normal here: one quiet log line per failure, no dialog.
      this.options.log.warn('updates.check_failed', { error: error as Error, failures: this.failures, retryMs });
      this.set({ state: 'error', message: 'Could not reach the update server; will try again later' });
      this.schedule(retryMs);
    }
    return this.state;
  }

  /** Manual mode: the user asked to download the update found by the last check. */
  async download(): Promise<UpdateStatus> {
    if (this.state.state !== 'available') return this.state;
    this.set({ state: 'downloading', percent: 0 });
    try {
      await this.options.updater.downloadUpdate();
    } catch (error) {
      this.options.log.warn('updates.download_failed', { error: error as Error });
      this.set({ state: 'available', percent: null, message: 'The download failed; try again' });
    }
    return this.state;
  }

  dispose(): void {
    this.cancelTimer();
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.timers.setTimeout(() => void this.check(), ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private set(patch: Partial<UpdateStatus>): void {
    this.state = { ...this.state, ...patch };
    this.options.onChange?.(this.state);
  }
}

/** electron-updater's channel file: `latest` for stable, `beta` for beta. */
export function channelName(settings: UpdateSettings): string {
  return settings['updates.channel'] === 'stable' ? 'latest' : 'beta';
}
