import { useAppStore } from '../../app/store';

export function SyncView() {
  const summary = useAppStore((s) => s.summary);
  const warehouse = useAppStore((s) => s.settings?.values['warehouse.kind']);
  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Sync</h1>
      <dl className="facts">
        <dt>Warehouse</dt>
        <dd>{warehouse === 'snowflake' ? 'Snowflake' : 'Local (embedded demo)'}</dd>
        <dt>Pending uploads</dt>
        <dd>{summary?.pendingUploads ?? 'No sync engine in this build yet'}</dd>
      </dl>
    </section>
  );
}
