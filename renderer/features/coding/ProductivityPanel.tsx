import { useEffect, useState } from 'react';
import type { Productivity } from '../../../preload/contract';
import { api } from '../../api';
import './coding.css';

const SYNC_LABEL: Record<Productivity['recent'][number]['sync'], string> = {
  pending: 'Pending sync',
  retrying: 'Retrying sync',
  acknowledged: 'Acknowledged by the warehouse',
  'dead-letter': 'Rejected by the warehouse',
  withdrawn: 'Withdrawn (undone)',
};

const REFRESH_SETTLE_MS = 250;

/**
 * This session's figures, computed in main from the store: charts coded, minutes per chart, acceptance
 * of suggestions, and each submitted chart's sync state (refreshed as the worklist or sync changes).
 */
export function ProductivityPanel() {
  const [p, setP] = useState<Productivity | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const refresh = () =>
      api.call('coding.productivity').then(
        (r) => live && (setP(r), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    // One sync emits several changes and the first worklist page matters more at start-up: a burst of
    // reasons to refresh becomes one call, a moment later.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        void refresh();
      }, REFRESH_SETTLE_MS);
    };
    refreshSoon();
    const stops = [api.on('worklist.changed', refreshSoon), api.on('sync.changed', refreshSoon)];
    return () => {
      live = false;
      clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, []);
  if (error) return <p className="muted small">Productivity unavailable: {error}</p>;
  if (!p) return null;
  return (
    <section className="productivity" aria-label="This session">
      <dl>
        <dt>Charts coded</dt>
        <dd data-testid="charts-coded">{p.charts}</dd>
        <dt>Minutes per chart</dt>
        <dd>{p.minutesPerChart ?? '—'}</dd>
        <dt>Suggestions accepted</dt>
        <dd title={`${p.suggestions.accepted} accepted, ${p.suggestions.rejected} rejected, ${p.suggestions.added} codes added by hand`}>
          {p.acceptanceRate === null ? '—' : `${Math.round(p.acceptanceRate * 100)}%`}
        </dd>
      </dl>
      {p.recent.length > 0 && (
        <ul className="recent-submits" aria-label="Submitted this session">
          {p.recent.map((r) => (
            <li key={`${r.encounterId}:${r.submittedAt}`} data-sync={r.sync}>
              <span className="mono">{r.encounterId}</span> <span className={`sync sync-${r.sync}`}>{SYNC_LABEL[r.sync]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
