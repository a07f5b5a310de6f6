import { useCallback, useEffect, useState } from 'react';
import type { DeadLetter, ServerConflict, SyncRun, SyncStatusInfo, UpdateStatus } from '../../../preload/contract';
import { api } from '../../api';
import { useAppStore } from '../../app/store';
import { Conflicts, DeadLetters } from './DeadLetters';
import { ServerConflicts } from './ServerConflicts';
import { ThroughputChart } from './ThroughputChart';

const UPDATE_TEXT: Record<UpdateStatus['state'], string> = {
  unsupported: 'Managed by the installer',
  disabled: 'Turned off',
  idle: 'Not checked yet',
  checking: 'Checking…',
  'up-to-date': 'Up to date',
  available: 'Update available',
  downloading: 'Downloading…',
  ready: 'Ready: installs when Atrium quits',
  error: 'Update server unreachable',
};

export function SyncView() {
  const summary = useAppStore((s) => s.summary);
  const warehouse = useAppStore((s) => s.settings?.values['warehouse.kind']);
  const [update, setUpdate] = useState<UpdateStatus | null>(null);
  const [status, setStatus] = useState<SyncStatusInfo | null>(null);
  const [deadLetters, setDeadLetters] = useState<DeadLetter[]>([]);
  const [runs, setRuns] = useState<SyncRun[]>([]);
  const [serverConflicts, setServerConflicts] = useState<ServerConflict[]>([]);
  const refresh = useCallback((next?: SyncStatusInfo) => {
    if (next) setStatus(next);
    void api.call('sync.deadLetters').then((r) => setDeadLetters(r.items), () => undefined);
    void api.call('sync.history').then((r) => setRuns(r.runs), () => undefined);
    void api.call('sync.conflicts').then((r) => setServerConflicts(r.items), () => undefined);
  }, []);
  useEffect(() => {
    void api.call('updates.status').then(setUpdate, () => undefined);
    return api.on('updates.changed', setUpdate);
  }, []);
  useEffect(() => {
    void api.call('sync.status').then(refresh, () => undefined);
    // Lists are re-read when a sync finishes, not on every progress event.
    return api.on('sync.changed', (next) => (next.state === 'syncing' ? setStatus(next) : refresh(next)));
  }, [refresh]);
  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Sync</h1>
      <dl className="facts">
        <dt>Warehouse</dt>
        <dd>{warehouse === 'snowflake' ? 'Snowflake' : 'Local (embedded demo)'}</dd>
        <dt>Pending uploads</dt>
        <dd data-testid="sync-pending">{status?.pending ?? summary?.pendingUploads ?? '…'}</dd>
        <dt>Sync</dt>
        <dd data-testid="sync-state">
          {status ? syncText(status) : '…'}
          {status?.suggesting && (
            <div className="muted" data-testid="sync-suggesting">
              Model suggestions for new encounters: {status.suggesting.done} of {status.suggesting.total}
            </div>
          )}
          {status?.lastError && <div className="muted">{status.lastError}</div>}
          <button className="link" onClick={() => void api.call('sync.now').then(refresh)}>
            Sync now
          </button>
        </dd>
        <dt>Updates</dt>
        <dd data-testid="update-state">
          {update ? `${UPDATE_TEXT[update.state]}${update.version ? ` (${update.version})` : ''} · ${update.channel} channel` : '…'}
          {update?.message && <div className="muted">{update.message}</div>}
          {update && ['idle', 'up-to-date', 'error'].includes(update.state) && (
            <button className="link" onClick={() => void api.call('updates.check').then(setUpdate)}>
              Check now
            </button>
          )}
          {update?.state === 'available' && update.mode === 'manual' && (
            <button className="link" onClick={() => void api.call('updates.download').then(setUpdate)}>
              Download
            </button>
          )}
        </dd>
      </dl>
      <ServerConflicts items={serverConflicts} onChanged={refresh} />
      <Conflicts items={deadLetters} onChanged={refresh} />
      <DeadLetters items={deadLetters} onChanged={refresh} />
      <section aria-labelledby="sync-history-title">
        <h2 id="sync-history-title">History</h2>
        <ThroughputChart runs={runs} />
      </section>
    </section>
  );
}

function syncText(s: SyncStatusInfo): string {
  if (s.progress) {
    const p = s.progress;
    const of = p.total === null ? '' : ` of ${p.total}`;
    const eta = p.etaMs === null ? '' : `, about ${Math.ceil(p.etaMs / 1000)} s left`;
    return `${p.phase === 'push' ? 'Sending' : 'Receiving'} ${p.items}${of} (${formatBytes(p.bytes)}${eta})`;
  }
  const last = s.lastSyncAt ? `last synced ${new Date(s.lastSyncAt).toLocaleTimeString()}` : 'not synced yet';
  const state = { idle: 'Up to date', syncing: 'Syncing…', backoff: 'Waiting to retry', offline: 'Offline' }[s.state];
  return `${state} · ${s.deadLetters} refused · ${last}`;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
