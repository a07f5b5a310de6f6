import type { DeadLetter, SyncStatusInfo } from '../../../preload/contract';
import { api } from '../../api';

const REASONS: Record<string, string> = {
  claimed_by_other: 'Another coder claimed this encounter first',
  encounter_voided: 'The encounter was voided upstream',
  not_assigned: 'The encounter is not assigned to you',
  unknown_encounter: 'The warehouse does not know this encounter',
  invalid: 'The warehouse could not read this change',
  rejected_by_warehouse: 'The warehouse refused this change',
};

interface Props {
  readonly items: readonly DeadLetter[];
  readonly onChanged: (status: SyncStatusInfo) => void;
}

/** Claims lost to another coder: the coder lets the chart go, or asks again once it is released. */
export function Conflicts({ items, onChanged }: Props) {
  const conflicts = items.filter((d) => d.conflict);
  if (conflicts.length === 0) return null;
  return (
    <section aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts</h2>
      <ul className="dead-letters">
        {conflicts.map((d) => (
          <li key={d.clientMutationId} data-testid="conflict">
            <strong>{d.encounterId}</strong>: {REASONS[d.reason] ?? d.reason}. Your claim did not count; the chart is theirs.
            <button onClick={() => void api.call('sync.deadLetters.discard', { clientMutationId: d.clientMutationId }).then(onChanged)}>Let it go</button>
            <button className="link" onClick={() => void api.call('sync.deadLetters.retry', { clientMutationId: d.clientMutationId }).then(onChanged)}>
              Claim again
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Work the warehouse refused, waiting for the coder: never blocking the rest of the queue. */
export function DeadLetters({ items, onChanged }: Props) {
  const refused = items.filter((d) => !d.conflict);
  return (
    <section aria-labelledby="dead-letters-title">
      <h2 id="dead-letters-title">Refused by the warehouse</h2>
      {refused.length === 0 ? (
        <p className="muted">Nothing refused.</p>
      ) : (
        <table className="dead-letters">
          <thead>
            <tr>
              <th>What</th>
              <th>Encounter</th>
              <th>Why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {refused.map((d) => (
              <tr key={d.clientMutationId} data-testid="dead-letter">
                <td>{d.kind.replace('_', ' ')}</td>
                <td>{d.encounterId ?? '—'}</td>
                <td title={d.detail}>{REASONS[d.reason] ?? d.reason}</td>
                <td>
                  <button onClick={() => void api.call('sync.deadLetters.retry', { clientMutationId: d.clientMutationId }).then(onChanged)}>Retry</button>
                  <button className="link" onClick={() => void api.call('sync.deadLetters.discard', { clientMutationId: d.clientMutationId }).then(onChanged)}>
                    Discard
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
