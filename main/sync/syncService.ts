import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import { WarehouseError, type Warehouse } from '../warehouse/warehouse.js';
import { OfflineStoreSync, type OfflineStorePort } from './offlineStoreSync.js';
import { SyncEngine, type SyncStatus } from './syncEngine.js';

export interface SyncServiceOptions {
  readonly store: OfflineStorePort & { onChange(listener: (encounterIds: string[]) => void): () => void };
  readonly userDataDir: string;
  readonly warehouseKind: () => 'local' | 'snowflake';
  readonly principal: () => string;
  readonly log: Logger;
  readonly onChange: (status: SyncStatus) => void;
  /** Runs after each sync that went through (publishing verification events). */
  readonly afterSync?: () => Promise<unknown>;
}

/** Where the embedded warehouse (demo data) lives. */
export function localWarehouseFile(userDataDir: string): string {
  return join(userDataDir, 'warehouse', 'local-warehouse.sqlite');
}

/**
 * The app's sync: the offline store's outbox and worklist against the configured warehouse, started
 * on the timer and nudged after every local write. Loaded on first use (it pulls in the drivers).
 */
export function createSyncService(o: SyncServiceOptions): { engine: SyncEngine; dispose: () => Promise<void> } {
  const sync = new OfflineStoreSync(o.store, o.principal);
  let warehouse: Warehouse | undefined;
  const engine = new SyncEngine({
    store: sync,
    log: o.log,
    onChange: o.onChange,
    ...(o.afterSync ? { afterSync: o.afterSync } : {}),
    warehouse: async () => {
      if (warehouse) return warehouse;
      if (o.warehouseKind() === 'snowflake') {
        // Snowflake needs a signed-in user and key or SSO configuration; until that is configured the
        // station keeps its outbox and says why.
        throw new WarehouseError('Snowflake sync is not configured on this station (warehouse.kind = snowflake)', 'auth', 'not_configured');
      }
      const local = new LocalWarehouse(localWarehouseFile(o.userDataDir));
      await local.open();
      warehouse = local;
      return local;
    },
  });
  const stop = o.store.onChange(() => {
    if (sync.pendingCount() > 0) engine.notifyLocalWrite();
  });
  engine.start();
  return {
    engine,
    dispose: async () => {
      stop();
      engine.stop();
      await warehouse?.close();
    },
  };
}
