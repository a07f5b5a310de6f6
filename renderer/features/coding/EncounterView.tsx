import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CodingDraft, EncounterDetail } from '../../../preload/contract';
import { api, ApiError } from '../../api';
import { useAppStore } from '../../app/store';
import { CodedList } from './CodedList';
import { CodeSearch } from './CodeSearch';
import { DrgPanel } from './DrgPanel';
import { coded, decide, decisionFor, setPrincipal, submitBlocker, type Suggestion } from './draftModel';
import { NoteViewer } from './NoteViewer';
import { QueryComposer } from './QueryComposer';
import { ServerConflictBadge } from '../sync/ServerConflictBadge';
import './coding.css';

const REJECT_REASONS = ['Not documented', 'Ruled out', 'History only', 'Not clinically significant'];

type SaveState = { kind: 'idle' | 'saving' | 'saved' | 'error'; text: string };

/**
 * The coding workspace for one encounter: documents and notes with the evidence for each suggestion and
 * find across notes, decisions on suggestions, the coded list with principal, admitting diagnosis, POA
 * and sequencing, a comment, and submit / hold / query (from templates) / release. Every edit is saved
 * as a draft at once; nothing waits for a save button.
 */
export function EncounterView({ encounterId }: { encounterId: string }) {
  const { closeEncounter, patch, session } = useAppStore();
  const [detail, setDetail] = useState<EncounterDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState<CodingDraft>({ codes: [] });
  const [save, setSave] = useState<SaveState>({ kind: 'idle', text: '' });
  const [active, setActive] = useState(0);
  const [noteId, setNoteId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [querying, setQuerying] = useState(false);
  const [focusFind, setFocusFind] = useState(0);
  const root = useRef<HTMLElement>(null);

  const load = useCallback(async () => {
    try {
      const d = await api.call('encounter.get', { encounterId });
      setDetail(d);
      setDraft(d.draft?.draft ?? { codes: [] });
      setComment(d.draft?.draft.comment ?? '');
      setNoteId((n) => n ?? d.notes[0]?.id ?? null);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [encounterId]);
  useEffect(() => {
    void load();
  }, [load]);
  // Keys work at once: the workspace takes focus as soon as it shows.
  const loaded = detail !== null;
  useEffect(() => {
    if (loaded) root.current?.focus();
  }, [loaded]);

  const mine = detail !== null && detail.item.status === 'in_progress' && detail.item.leaseOwner === session?.principal.id;

  // Saves are chained, so revisions arrive in order even when the coder types fast.
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const edit = (next: CodingDraft) => {
    if (!mine) return;
    setDraft(next);
    setSave({ kind: 'saving', text: 'Saving…' });
    chain.current = chain.current.then(async () => {
      try {
        const r = await api.call('coding.saveDraft', { encounterId, draft: next });
        setSave({ kind: 'saved', text: `Saved ${new Date(r.savedAt).toLocaleTimeString()}` });
      } catch (e) {
        setSave({ kind: 'error', text: e instanceof ApiError ? e.message : 'Not saved' });
      }
    });
  };

  // Diagnoses first, then procedures, each by score: the two lists a coder reviews.
  const suggestions = useMemo(
    () => [...(detail?.suggestions ?? [])].sort((a, b) => (a.system === b.system ? b.score - a.score : a.system === 'ICD-10-CM' ? -1 : 1)),
    [detail],
  );
  const current: Suggestion | undefined = suggestions[active];
  const evidence = useMemo(() => suggestions.flatMap((s) => s.evidence.map((e) => ({ ...e, code: s.code }))), [suggestions]);

  // Selecting a suggestion shows the note holding its evidence (the viewer scrolls to its span).
  useEffect(() => {
    const first = current?.evidence[0];
    if (first) setNoteId(first.noteId);
  }, [current]);

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await chain.current;
      await run();
      closeEncounter();
      patch({ notice: done });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const blocker = submitBlocker(draft);
  const submit = () => !blocker && mine && act(() => api.call('coding.submit', { encounterId }), `${encounterId} submitted; it syncs when the warehouse is reachable.`);
  const hold = (kind: 'hold' | 'query', text: string) => {
    if (!mine || !text.trim()) return setError(`Give a reason to ${kind === 'hold' ? 'hold the encounter' : 'query the physician'}`);
    void act(() => api.call('worklist.hold', { encounterId, kind, reason: text.trim() }), `${encounterId} ${kind === 'hold' ? 'on hold' : 'waiting for the physician'}.`);
  };
  const saveComment = () => {
    if ((draft.comment ?? '') !== comment) edit({ ...draft, comment });
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      return void submit();
    }
    const target = e.target as HTMLElement;
    if (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') {
      // Escape leaves a field for the workspace's own keys; a second Escape goes back.
      if (e.key === 'Escape') root.current?.focus();
      return;
    }
    if (e.key === 'Escape') return closeEncounter();
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (!current && e.key !== 'f' && e.key !== 'e') return;
    const decision = (d: 'accepted' | 'rejected', why?: string) => current && edit(decide(draft, { code: current.code, system: current.system, decision: d, reason: why ?? null }));
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        setActive((i) => Math.min(i + 1, suggestions.length - 1));
        break;
      case 'k':
      case 'ArrowUp':
        setActive((i) => Math.max(i - 1, 0));
        break;
      case 'a':
        decision('accepted');
        break;
      case 'r':
        decision('rejected', REJECT_REASONS[0]);
        break;
      case 'p':
        if (current && decisionFor(draft, current.code)?.decision === 'accepted') edit(setPrincipal(draft, current.code));
        break;
      case 'f':
        setFocusFind((n) => n + 1);
        break;
      case 'e':
        root.current?.querySelector<HTMLElement>('[aria-label="Search codes"]')?.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  if (error && !detail) return <div className="notice" role="alert">{error}</div>;
  if (!detail) return <p className="muted">Opening {encounterId}…</p>;

  return (
    <section className="encounter" aria-labelledby="encounter-title" tabIndex={-1} ref={root} onKeyDown={onKeyDown}>
      <header className="encounter-bar">
        <button onClick={closeEncounter} title="Back to the worklist (Esc)">
          ← Worklist
        </button>
        <h1 id="encounter-title" className="mono">{detail.item.id}</h1>
        <span>
          {detail.age ?? '?'} {detail.sex ?? ''} · {detail.item.facility} · {detail.item.payer} · {detail.item.admitDate.slice(0, 10)} → {detail.item.dischargeDate.slice(0, 10)}
        </span>
        {detail.item.synthetic && <span className="badge">Synthetic</span>}
        <ServerConflictBadge encounterId={detail.item.id} />
        <span className="spacer" />
        <span className={`save save-${save.kind}`} role="status">
          {mine ? save.text : 'Read only: claim it to code'}
        </span>
      </header>
      {error && <div className="notice" role="alert">{error}</div>}
      <div className="encounter-body">
        <NoteViewer notes={detail.notes} noteId={noteId} onNote={setNoteId} evidence={evidence} currentCode={current?.code ?? null} focusFind={focusFind} />
        <aside className="codes">
          <h2>Suggested ({suggestions.length})</h2>
          {suggestions.length === 0 && <p className="muted">No suggestions for this encounter; add codes below.</p>}
          <ul className="suggestions" role="listbox" aria-label="Suggested codes">
            {suggestions.map((s, i) => {
              const d = decisionFor(draft, s.code);
              const heading = i === 0 || suggestions[i - 1]?.system !== s.system;
              return (
                <li key={`${s.system}:${s.code}`} role="option" data-group={heading ? (s.system === 'ICD-10-CM' ? 'Diagnoses' : 'Procedures') : undefined} aria-selected={i === active} className={i === active ? 'active' : ''} onClick={() => setActive(i)}>
                  <span className="mono code">{s.code}</span>
                  <span className="confidence" title={`Confidence ${Math.round(s.score * 100)}%`}>
                    <span className="bar" style={{ width: `${Math.round(s.score * 100)}%` }} />
                    {Math.round(s.score * 100)}%
                  </span>
                  <span className="decision">{d ? (d.decision === 'rejected' ? `Rejected: ${d.reason ?? ''}` : 'Accepted') : ''}</span>
                  {mine && (
                    <span className="actions">
                      <button onClick={() => edit(decide(draft, { code: s.code, system: s.system, decision: 'accepted' }))} title="Accept (a)">
                        Accept
                      </button>
                      <select aria-label={`Reject ${s.code}`} value="" onChange={(e) => e.target.value && edit(decide(draft, { code: s.code, system: s.system, decision: 'rejected', reason: e.target.value }))}>
                        <option value="">Reject…</option>
                        {REJECT_REASONS.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
          <h2>Coded</h2>
          <CodedList draft={draft} editable={mine} onEdit={edit} />
          {mine && <CodeSearch onAdd={(code, system) => edit(decide(draft, { code, system, decision: 'added' }))} />}
          <DrgPanel codes={coded(draft)} age={detail.age} sex={detail.sex} />
          <label className="comment">
            Comment
            <textarea aria-label="Comment on this encounter" rows={2} maxLength={4000} disabled={!mine} value={comment} onChange={(e) => setComment(e.target.value)} onBlur={saveComment} />
          </label>
          {mine && querying && (
            <QueryComposer
              context={{
                encounterId,
                age: detail.age,
                sex: detail.sex,
                admitDate: detail.item.admitDate,
                dischargeDate: detail.item.dischargeDate,
                code: current?.code ?? null,
                excerpt: excerptOf(detail, current),
              }}
              onSend={(text) => hold('query', text)}
              onCancel={() => setQuerying(false)}
            />
          )}
          {mine && (
            <div className="encounter-actions">
              <input aria-label="Reason for hold" placeholder="Reason (for hold)" value={reason} onChange={(e) => setReason(e.target.value)} />
              <button onClick={() => hold('hold', reason)}>Hold</button>
              <button aria-expanded={querying} onClick={() => setQuerying((q) => !q)}>
                Query physician…
              </button>
              <button onClick={() => void act(() => api.call('worklist.release', { encounterId }), `${encounterId} released to the queue.`)}>Release</button>
              <button className="primary" disabled={blocker !== null} title={blocker ?? 'Submit (Ctrl+Enter)'} onClick={() => void submit()}>
                Submit
              </button>
              {blocker && <span className="muted">{blocker}</span>}
            </div>
          )}
          <p className="muted small">Keys: j/k move · a accept · r reject · p principal · f find in notes · e encoder · Alt+↑/↓ sequence · Ctrl+Enter submit · Esc back</p>
        </aside>
      </div>
    </section>
  );
}

/** The text of a suggestion's first evidence span, for a query's quotation. */
function excerptOf(detail: EncounterDetail, suggestion: Suggestion | undefined): string | null {
  const span = suggestion?.evidence[0];
  const note = span && detail.notes.find((n) => n.id === span.noteId);
  return note && span ? note.text.slice(span.start, span.end) : null;
}
