import { useEffect, useMemo, useRef, useState } from 'react';
import type { EncounterDetail } from '../../../preload/contract';
import { documentGroups } from './documents';
import { findInNotes, markup, type EvidenceSpan } from './noteMarkup';

type Note = EncounterDetail['notes'][number];

export interface NoteViewerProps {
  notes: readonly Note[];
  noteId: string | null;
  onNote(id: string): void;
  /** Evidence of every suggestion, by note. */
  evidence: readonly (EvidenceSpan & { noteId: string })[];
  /** The selected suggestion: its spans are emphasised and scrolled to. */
  currentCode: string | null;
  /** Bumped by the workspace's `f` key to focus the find box. */
  focusFind: number;
}

/**
 * The documents (grouped by type, by date within a type, unread in bold, a word and not only weight saying so), the note with
 * every evidence span marked (hover names the codes it supports), and find across all the encounter's
 * notes with next/previous (Enter / Shift+Enter).
 */
export function NoteViewer({ notes, noteId, onNote, evidence, currentCode, focusFind }: NoteViewerProps) {
  const [seen, setSeen] = useState<ReadonlySet<string>>(() => new Set(noteId ? [noteId] : []));
  const [query, setQuery] = useState('');
  const [hit, setHit] = useState(0);
  const findBox = useRef<HTMLInputElement>(null);
  const article = useRef<HTMLElement>(null);
  const note = notes.find((n) => n.id === noteId) ?? notes[0];

  useEffect(() => {
    if (note) setSeen((s) => (s.has(note.id) ? s : new Set([...s, note.id])));
  }, [note]);
  useEffect(() => {
    if (focusFind > 0) findBox.current?.focus();
  }, [focusFind]);

  const groups = useMemo(() => documentGroups(notes), [notes]);

  const hits = useMemo(() => findInNotes(notes, query), [notes, query]);
  const current = hits.length ? Math.min(hit, hits.length - 1) : -1;
  useEffect(() => setHit(0), [query]);
  // Going to a hit shows its note.
  const hitNote = current >= 0 ? hits[current]?.noteId : undefined;
  useEffect(() => {
    if (hitNote && hitNote !== note?.id) onNote(hitNote);
    // Only when the hit moves: clicking another document must not snap back to the hit.
  }, [hitNote, current]);

  const segments = useMemo(() => {
    if (!note) return [];
    const spans = evidence.filter((e) => e.noteId === note.id);
    const finds = hits.flatMap((h, index) => (h.noteId === note.id ? [{ start: h.start, end: h.end, index }] : []));
    return markup(note.text, spans, finds);
  }, [note, evidence, hits]);

  useEffect(() => {
    const target = article.current?.querySelector('.find.current') ?? article.current?.querySelector('mark.current');
    target?.scrollIntoView({ block: 'center' });
  }, [segments, current, currentCode]);

  const step = (by: 1 | -1) => hits.length && setHit((i) => (Math.min(i, hits.length - 1) + by + hits.length) % hits.length);

  return (
    <div className="notes">
      <nav className="doc-list" aria-label="Documents">
        {groups.map(([type, entries]) => (
          <div key={type} role="group" aria-label={type}>
            <div className="doc-kind">{type}</div>
            {entries.map(({ note: n, label }) => {
              const unread = !seen.has(n.id);
              return (
                <button key={n.id} aria-current={n.id === note?.id ? 'page' : undefined} className={unread ? 'doc unread' : 'doc'} onClick={() => onNote(n.id)}>
                  {label}
                  {unread && <span className="small"> · unread</span>}
                </button>
              );
            })}
          </div>
        ))}
      </nav>
      <div className="note-find" role="search">
        <input
          ref={findBox}
          type="search"
          aria-label="Find in this encounter's notes (f)"
          placeholder="Find in notes (f)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          }}
        />
        <span className="muted small" aria-live="polite">
          {query.trim().length >= 2 ? (hits.length ? `${current + 1} of ${hits.length}` : 'No matches') : ''}
        </span>
        <button aria-label="Previous match" disabled={hits.length === 0} onClick={() => step(-1)}>
          ↑
        </button>
        <button aria-label="Next match" disabled={hits.length === 0} onClick={() => step(1)}>
          ↓
        </button>
      </div>
      <article className="note-text" aria-label="Note" ref={article}>
        {note ? (
          segments.map((s) => {
            const findClass = s.find === null ? '' : s.find === current ? ' find current' : ' find';
            if (s.codes.length === 0 && s.find === null) return <span key={s.start}>{s.text}</span>;
            if (s.codes.length === 0) return <span key={s.start} className={findClass.trim()}>{s.text}</span>;
            const supports = `Evidence for ${s.codes.join(', ')}`;
            return (
              <mark key={s.start} className={`${currentCode !== null && s.codes.includes(currentCode) ? 'current' : ''}${findClass}`} title={supports} data-codes={s.codes.join(' ')} aria-label={`${s.text} (${supports})`}>
                {s.text}
              </mark>
            );
          })
        ) : (
          <p className="muted">No documents</p>
        )}
      </article>
    </div>
  );
}
