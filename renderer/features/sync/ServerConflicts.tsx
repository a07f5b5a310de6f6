import { useState } from 'react';
import type { ConflictChoice, ServerConflict } from '../../../preload/contract';
import { api } from '../../api';

interface Props {
  readonly items: readonly ServerConflict[];
  readonly onChanged: () => void;
}

/**
 * Server changes that landed under the coder's draft, side by side: what this station holds (mine)
 * and what the warehouse now says (theirs). Nothing is overwritten until the coder chooses.
 */
export function ServerConflicts({ items, onChanged }: Props) {
  const [error, setError] = useState<string | null>(null);
  if (items.length === 0) return null;
  const choose = (encounterId: string, choice: ConflictChoice) => {
    setError(null);
    api.call('sync.conflicts.resolve', { encounterId, choice }).then(onChanged, (e: Error) => setError(e.message));
  };
  return (
    <section aria-labelledby="server-conflicts-title">
      <h2 id="server-conflicts-title">Changed on the server while you were coding</h2>
      {error ? <p role="alert">{error}</p> : null}
      {items.map((c) => (
        <article key={c.encounterId} data-testid="server-conflict" aria-label={`Encounter ${c.encounterId}`}>
          <h3>
            {c.encounterId} <span className="muted">{c.hasDraft ? 'has your draft' : 'in progress'}</span>
          </h3>
          <table className="dead-letters">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Mine (this station)</th>
                <th scope="col">Theirs (warehouse)</th>
              </tr>
            </thead>
            <tbody>
              {c.differences.map((d) => (
                <tr key={d.field}>
                  <th scope="row">{d.label}</th>
                  <td>{d.mine ?? '—'}</td>
                  <td>{d.theirs ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button onClick={() => choose(c.encounterId, 'keep-mine')}>Keep my draft</button>
          <button className="link" onClick={() => choose(c.encounterId, 'take-theirs')}>
            Take theirs (discard my draft)
          </button>
        </article>
      ))}
    </section>
  );
}
