import { useCallback, useEffect, useState } from 'react';
import type { ConflictChoice, ServerConflict } from '../../../preload/contract';
import { api } from '../../api';
import './sync.css';

interface Props {
  readonly items: readonly ServerConflict[];
  readonly onChanged: () => void;
}

/** Keys of the conflict list: what a coder used to j/k in the worklist expects. */
const KEYS: Record<string, 'next' | 'previous' | ConflictChoice> = { j: 'next', k: 'previous', m: 'keep-mine', t: 'take-theirs' };

function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/**
 * Server changes that landed under the coder's draft, side by side: what this station holds (mine)
 * and what the warehouse now says (theirs). Nothing is overwritten until the coder chooses: keep my
 * draft as it is, or take theirs, which rebases the draft on the server's chart (the coder's codes stay;
 * rejections of suggestions from a changed note go).
 */
export function ServerConflicts({ items, onChanged }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const current = Math.min(selected, Math.max(0, items.length - 1));

  const choose = useCallback(
    (encounterId: string, choice: ConflictChoice) => {
      setError(null);
      api.call('sync.conflicts.resolve', { encounterId, choice }).then(onChanged, (e: Error) => setError(e.message));
    },
    [onChanged],
  );

  useEffect(() => {
    if (items.length === 0) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
      const action = KEYS[e.key];
      if (!action) return;
      e.preventDefault();
      if (action === 'next') setSelected(Math.min(current + 1, items.length - 1));
      else if (action === 'previous') setSelected(Math.max(current - 1, 0));
      else choose((items[current] as ServerConflict).encounterId, action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, current, choose]);

  if (items.length === 0) return null;
  return (
    <section aria-labelledby="server-conflicts-title">
      <h2 id="server-conflicts-title">Changed on the server while you were coding</h2>
      <p className="muted" data-testid="server-conflict-keys">
        Keys: <kbd>j</kbd> / <kbd>k</kbd> next / previous · <kbd>m</kbd> keep my draft · <kbd>t</kbd> take theirs
      </p>
      {error ? <p role="alert">{error}</p> : null}
      {items.map((c, i) => (
        <article
          key={c.encounterId}
          data-testid="server-conflict"
          aria-label={`Encounter ${c.encounterId}`}
          aria-current={i === current ? 'true' : undefined}
          className={i === current ? 'selected' : undefined}
          onClick={() => setSelected(i)}
        >
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
          <button onClick={() => choose(c.encounterId, 'keep-mine')}>
            Keep my draft <kbd>m</kbd>
          </button>
          <button className="link" onClick={() => choose(c.encounterId, 'take-theirs')} title="The server's chart, with your codes carried over">
            Take theirs, keep my codes <kbd>t</kbd>
          </button>
        </article>
      ))}
    </section>
  );
}
