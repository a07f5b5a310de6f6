import { useServerConflict } from './serverConflictIds';
import './sync.css';

/**
 * Marks an encounter the server changed under the coder's draft, until the coder keeps theirs or takes the
 * server's in the Sync view (Ctrl+3). Icon and words: colour is never the only signal.
 */
export function ServerConflictBadge({ encounterId }: { encounterId: string }) {
  if (!useServerConflict(encounterId)) return null;
  return (
    <span className="badge server-conflict" data-testid="server-conflict-badge" title="Changed on the server while you were coding: decide in Sync (Ctrl+3)">
      <span aria-hidden="true">⇄</span> Server changed
    </span>
  );
}
