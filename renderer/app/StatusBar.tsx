import { SyncBadge } from '../features/sync/SyncBadge';
import { useAppStore } from './store';

export function StatusBar() {
  const { online, connected, session, summary, info } = useAppStore();
  const network = !connected ? 'Disconnected from Atrium' : online ? 'Online' : 'Offline';
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span className={`dot ${connected && online ? 'ok' : 'warn'}`} aria-hidden="true" />
      <span data-testid="network">{network}</span>
      <span data-testid="pending">
        {summary?.pendingUploads == null ? 'Sync not configured' : `${summary.pendingUploads} pending upload${summary.pendingUploads === 1 ? '' : 's'}`}
      </span>
      <SyncBadge />
      <span data-testid="model">{summary?.model ? `Model: ${summary.model.source} ${summary.model.version}` : 'No suggestion model'}</span>
      <span className="spacer" />
      {info?.demo && <span className="badge">Demo data</span>}
      <span data-testid="principal" title={session?.principal.kind === 'local-profile' ? 'Local profile (not signed in)' : 'Signed in'}>
        {session ? session.principal.displayName : '…'}
      </span>
    </footer>
  );
}
