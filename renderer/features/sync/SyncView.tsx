import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../../preload/contract';
import { api } from '../../api';
import { useAppStore } from '../../app/store';

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
  useEffect(() => {
    void api.call('updates.status').then(setUpdate, () => undefined);
    return api.on('updates.changed', setUpdate);
  }, []);
  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Sync</h1>
      <dl className="facts">
        <dt>Warehouse</dt>
        <dd>{warehouse === 'snowflake' ? 'Snowflake' : 'Local (embedded demo)'}</dd>
        <dt>Pending uploads</dt>
        <dd>{summary?.pendingUploads ?? 'No sync engine in this build yet'}</dd>
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
    </section>
  );
}
