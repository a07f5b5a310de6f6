import { useEffect, useRef, useState } from 'react';
import type { CodeSearchResult } from '../../../preload/contract';
import { api } from '../../api';

type Hit = CodeSearchResult['hits'][number] & { system: 'ICD-10-CM' | 'ICD-10-PCS' };

/**
 * The encoder: searches ICD-10-CM and ICD-10-PCS by code prefix or words (typos tolerated) as the coder
 * types; arrows choose, Enter adds. Non-billable codes are flagged and cannot be added.
 */
export function CodeSearch({ onAdd }: { onAdd(code: string, system: Hit['system']): void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  /** The query the shown hits answer (the benchmark waits for it). */
  const [answered, setAnswered] = useState('');
  const [note, setNote] = useState('');
  const [active, setActive] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setHits([]);
      setNote('');
      return;
    }
    const mine = ++latest.current;
    // Every keystroke searches at once (main answers in about a millisecond); answers to older queries are dropped.
    Promise.all([api.call('codes.search', { query: q, system: 'cm', limit: 12 }), api.call('codes.search', { query: q, system: 'pcs', limit: 6 })])
      .then(([cm, pcs]) => {
        if (mine !== latest.current) return;
        setAnswered(q);
        setHits([...cm.hits.map((h) => ({ ...h, system: 'ICD-10-CM' as const })), ...pcs.hits.map((h) => ({ ...h, system: 'ICD-10-PCS' as const }))]);
        const corrections = [...cm.corrections, ...pcs.corrections];
        setNote(corrections.length ? `Searching for ${corrections.map((c) => `“${c.to}”`).join(', ')}` : '');
        setActive(0);
      })
      .catch((error: Error) => mine === latest.current && setNote(error.message));
  }, [query]);

  const add = (hit: Hit | undefined) => {
    if (!hit) return;
    if (!hit.billable) return setNote(`${hit.code} is not billable: choose a more specific code`);
    onAdd(hit.code, hit.system);
    setQuery('');
  };

  return (
    <div className="code-search">
      <input
        aria-label="Search codes"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="code-search-results"
        aria-activedescendant={hits[active] ? `hit-${hits[active].system}-${hits[active].code}` : undefined}
        placeholder="Add a code: J18.9, or words like pneumonia"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, hits.length - 1));
          else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter') add(hits[active]);
          else return;
          e.preventDefault();
        }}
      />
      {note && <div className="muted small">{note}</div>}
      {hits.length > 0 && (
        <ul id="code-search-results" role="listbox" aria-label="Matching codes" className="code-hits" data-query={answered}>
          {hits.map((h, i) => (
            <li
              key={`${h.system}:${h.code}`}
              id={`hit-${h.system}-${h.code}`}
              role="option"
              aria-selected={i === active}
              aria-disabled={!h.billable}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                add(h);
              }}
            >
              <span className="mono code">{h.code}</span>
              <span className="desc">{h.description}</span>
              {!h.billable && <span className="flag">not billable</span>}
              <span className="muted small">{h.system === 'ICD-10-PCS' ? 'PCS' : 'CM'}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
