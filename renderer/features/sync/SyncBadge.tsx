import { useEffect, useState } from 'react';
import type { SyncStatusInfo } from '../../../preload/contract';
import { api } from '../../api';

/** The status bar's sync part: progress while a sync runs (and the model's suggestions after a pull), and what waits (pending, refused). */
export function SyncBadge() {
  const [status, setStatus] = useState<SyncStatusInfo | null>(null);
  useEffect(() => {
    void api.call('sync.status').then(setStatus, () => undefined);
    return api.on('sync.changed', setStatus);
  }, []);
  // Sync follows the machine's connectivity: offline it stops trying, back online it syncs at once.
  useEffect(() => {
    const report = () => void api.call('sync.connectivity', { online: navigator.onLine }).then(setStatus, () => undefined);
    if (!navigator.onLine) report();
    window.addEventListener('online', report);
    window.addEventListener('offline', report);
    return () => {
      window.removeEventListener('online', report);
      window.removeEventListener('offline', report);
    };
  }, []);
  if (!status) return null;
  const p = status.progress;
  const text = p
    ? `${p.phase === 'push' ? '↑' : '↓'} ${p.items}${p.total === null ? '' : `/${p.total}`}${p.etaMs === null ? '' : ` · ${Math.ceil(p.etaMs / 1000)} s`}`
    : status.suggesting
      ? `Suggesting codes ${status.suggesting.done}/${status.suggesting.total}`
      : status.deadLetters > 0
      ? `${status.deadLetters} refused`
      : status.state === 'backoff'
        ? 'Sync waiting to retry'
        : null;
  return (
    <>
      {text ? <span data-testid="sync-badge">{text}</span> : null}
      {status.serverConflicts > 0 ? (
        <span data-testid="sync-conflicts-badge" title="Changed on the server under your draft: decide in Sync (Ctrl+3)">
          ⇄ {status.serverConflicts} server change{status.serverConflicts === 1 ? '' : 's'} to review
        </span>
      ) : null}
    </>
  );
}
