import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
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
  /** The configured Snowflake warehouse (main/warehouse/snowflake/snowflakeStation.ts); loads the driver. */
  readonly openSnowflake: () => Promise<Warehouse>;
  /** How long after start the first scheduled sync waits (the app keeps its launch free of sync work). */
  readonly firstSyncDelayMs?: number;
}

export interface SyncService {
  readonly engine: SyncEngine;
  /** Closes the warehouse in use, so the next sync opens the one settings name now (or signs in again). */
  forgetWarehouse(): Promise<void>;
  dispose(): Promise<void>;
}

/** Where the embedded warehouse (demo data) lives. */
export function localWarehouseFile(userDataDir: string): string {
  return join(userDataDir, 'warehouse', 'local-warehouse.sqlite');
}

/**
 * The app's sync: the offline store's outbox and worklist against the configured warehouse, started
 * on the timer and nudged after every local write. Loaded on first use (it pulls in the drivers).
 */
export function createSyncService(o: SyncServiceOptions): SyncService {
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
        // Until Snowflake is configured (or signed in) the station keeps its outbox and says why.
        const snowflake = await o.openSnowflake();
        await snowflake.open();
        warehouse = snowflake;
        return snowflake;
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
  engine.start(o.firstSyncDelayMs);
  return {
    engine,
    forgetWarehouse: async () => {
      const current = warehouse;
      warehouse = undefined;
      await current?.close();
    },
    dispose: async () => {
      stop();
      engine.stop();
      await warehouse?.close();
    },
  };
}
