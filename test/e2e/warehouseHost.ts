import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { localWarehouseFile } from '../../main/sync/syncService.js';
import { LocalWarehouse } from '../../main/warehouse/local/localWarehouse.js';
import { launchChromium } from '../support/browser.js';
import { startTestHost, type HostFixture } from '../support/runningHost.js';

export interface WarehouseHost {
  readonly fixture: HostFixture;
  readonly browser: Browser;
  /** The host's embedded warehouse, for server-side changes (what `atrium warehouse simulate` does). */
  readonly warehouse: LocalWarehouse;
}

/** A running host, a browser and the host's local warehouse for the describe block it is called in; filled in by beforeAll. */
export function warehouseHost(): WarehouseHost {
  const state: { fixture?: HostFixture; browser?: Browser; warehouse?: LocalWarehouse } = {};
  beforeAll(async () => {
    state.fixture = await startTestHost();
    state.browser = await launchChromium();
    state.warehouse = new LocalWarehouse(localWarehouseFile(state.fixture.dir));
  });
  afterAll(async () => {
    await state.warehouse?.close();
    await state.browser?.close();
    await state.fixture?.cleanup();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('warehouseHost() is read before its beforeAll ran');
    return value;
  };
  return {
    get fixture() {
      return ready(state.fixture);
    },
    get browser() {
      return ready(state.browser);
    },
    get warehouse() {
      return ready(state.warehouse);
    },
  };
}
