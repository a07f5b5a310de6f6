import { join } from 'node:path';
import type { CodeSuggester } from '../inference/codeSuggester.js';
import type { Logger } from '../log/logger.js';
import { LocalWarehouse } from '../warehouse/local/localWarehouse.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { PriorityInputs } from '../worklist/priority.js';
import { OfflineStoreSync, type OfflineStorePort } from './offlineStoreSync.js';
import { PulledSuggestions } from './pulledSuggestions.js';
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
  /** The suggester for pulled encounters the model has not seen (loaded only when there are some). */
  readonly suggester: () => CodeSuggester;
  /** The worklist priority under the formula in force: pulled encounters are stored with theirs. */
  readonly priorityOf: (inputs: PriorityInputs) => number;
}

export interface SyncService {
  readonly engine: SyncEngine;
  /** Suggestions for pulled encounters; started after every sync, awaited by the first run's demo. */
  readonly suggestions: PulledSuggestions;
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
  const sync = new OfflineStoreSync(o.store, o.principal, o.priorityOf);
  const suggestions = new PulledSuggestions({ store: o.store, suggester: o.suggester, priorityOf: o.priorityOf, log: o.log });
  let warehouse: Warehouse | undefined;
  const engine = new SyncEngine({
    store: sync,
    log: o.log,
    onChange: o.onChange,
    suggesting: () => suggestions.current(),
    afterSync: async () => {
      // Not awaited: the model may take minutes over a large pull, and the next sync should not wait for it.
      suggestions.run().catch((error: unknown) => o.log.warn('suggest.pulled_failed', { error: error as Error }));
      await o.afterSync?.();
    },
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
  const stopSuggesting = suggestions.onProgress(() => engine.announce());
  engine.start(o.firstSyncDelayMs);
  return {
    engine,
    suggestions,
    forgetWarehouse: async () => {
      const current = warehouse;
      warehouse = undefined;
      await current?.close();
    },
    dispose: async () => {
      stop();
      stopSuggesting();
      engine.stop();
      await warehouse?.close();
    },
  };
}
