import { useSyncExternalStore } from 'react';
import type { SyncStatusInfo } from '../../../preload/contract';
import { api } from '../../api';

/**
 * The encounters with an unresolved server conflict, shared by every indicator on screen (worklist rows,
 * the workspace header): one `sync.conflicts` call when the count in the sync status changes or a sync
 * finishes with some open, never one per row.
 */
let ids: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
let seen = '';
let stopEvents: (() => void) | null = null;

function publish(next: ReadonlySet<string>): void {
  ids = next;
  for (const listener of listeners) listener();
}

function follow(status: SyncStatusInfo): void {
  if (status.state === 'syncing') return;
  const key = `${status.serverConflicts}:${status.lastSyncAt ?? ''}`;
  if (key === seen) return;
  seen = key;
  if (status.serverConflicts === 0) return publish(new Set());
  void api.call('sync.conflicts').then((r) => publish(new Set(r.items.map((c) => c.encounterId))), () => undefined);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!stopEvents) {
    stopEvents = api.on('sync.changed', follow);
    void api.call('sync.status').then(follow, () => undefined);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopEvents?.();
      stopEvents = null;
      seen = '';
    }
  };
}

/** Whether the server changed this encounter under the coder's draft and the coder has not decided yet. */
export function useServerConflict(encounterId: string): boolean {
  return useSyncExternalStore(subscribe, () => ids).has(encounterId);
}
