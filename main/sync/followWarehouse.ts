import type { SessionStatus, SettingsSnapshot } from '../../preload/contract.js';
import type { Logger } from '../log/logger.js';
import { forgetSnowflakeSignIn } from '../warehouse/snowflake/snowflakePaths.js';
import type { SyncService } from './syncService.js';

export interface FollowWarehouseOptions {
  readonly settings: { snapshot(): SettingsSnapshot; onChange(listener: (snapshot: SettingsSnapshot) => void): () => void };
  readonly principal: { onChange(listener: (status: SessionStatus) => void): () => void };
  readonly service: Pick<SyncService, 'forgetWarehouse'>;
  readonly userDataDir: string;
  readonly log: Logger;
}

/**
 * Keeps sync on the warehouse settings name: a change to any `warehouse.*` setting closes the one in
 * use (the next sync opens the new one), and sign-out wipes the cached Snowflake sign-in. Returns a stop.
 */
export function followWarehouse(o: FollowWarehouseOptions): () => void {
  const fingerprint = (s: SettingsSnapshot) => JSON.stringify(Object.entries(s.values).filter(([key]) => key.startsWith('warehouse.')));
  let last = fingerprint(o.settings.snapshot());
  const forget = (why: string, before: () => Promise<void> = async () => undefined) =>
    void before()
      .then(() => o.service.forgetWarehouse())
      .then(() => o.log.info('sync.warehouse_forgotten', { why }))
      .catch((error: unknown) => o.log.warn('sync.warehouse_forget_failed', { why, error: error as Error }));
  const stopSettings = o.settings.onChange((snapshot) => {
    const now = fingerprint(snapshot);
    if (now === last) return;
    last = now;
    forget('settings');
  });
  const stopPrincipal = o.principal.onChange((status) => {
    if (!status.signedIn) forget('sign-out', () => forgetSnowflakeSignIn(o.userDataDir));
  });
  return () => {
    stopSettings();
    stopPrincipal();
  };
}
