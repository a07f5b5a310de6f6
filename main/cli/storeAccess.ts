import type { Services } from '../services.js';
import type { Store } from '../store/store.js';
import { askRunningStore, type StoreControlRequest } from '../store/storeControl.js';
import { openCliStore } from './cliServices.js';

/**
 * Runs a store operation where the store key can be used: in the running Atrium of this user data
 * folder when there is one (its key may be sealed by the OS for the app alone), else on the store
 * opened read-only here. `note` carries a read-only reason worth telling the person.
 */
export async function runStoreOperation<T>(services: Services, request: StoreControlRequest, here: (store: Store) => T): Promise<{ result: T; note: string | null; viaRunningApp: boolean }> {
  const reply = await askRunningStore(services.env.userDataDir, request);
  if (reply) {
    if (!reply.ok) throw new Error(`The running Atrium could not do it: ${reply.message}`);
    // The running app ran the same function on its own store; its answer has the same shape.
    return { result: reply.result as T, note: null, viaRunningApp: true };
  }
  const store = await openCliStore(services, 'read');
  return { result: here(store), note: store.status.readOnlyReason, viaRunningApp: false };
}
