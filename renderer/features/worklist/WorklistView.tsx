import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkStatus, WorklistFilter, WorklistSort } from '../../../preload/contract';
import { api } from '../../api';
import { useAppStore } from '../../app/store';
import { ProductivityPanel } from '../coding/ProductivityPanel';
import { STATUS_LABEL, WORKLIST_COLUMNS } from './columns';
import { deleteView, handleViewRequests, parseDrgList, readViews, saveView, type SavedView } from './savedViews';
import { OPENING_SORT, OPENING_STATUSES, useWorklist } from './useWorklist';
import { VirtualGrid } from './VirtualGrid';

const STATUSES = Object.keys(STATUS_LABEL) as WorkStatus[];

const ALL_COLUMNS = WORKLIST_COLUMNS.map((c) => c.id);
/** Typing settles for this long before the search goes to main (it searches the whole store). */
const SEARCH_SETTLE_MS = 200;

/**
 * The coder's worklist: counts by status, filters, a search over the whole store, saved views (Alt+1…9),
 * claim next, and a grid for 100,000 rows.
 */
export function WorklistView() {
  const [statuses, setStatuses] = useState<WorkStatus[]>([...OPENING_STATUSES]);
  const [sort, setSort] = useState<WorklistSort>(OPENING_SORT);
  const [drgText, setDrgText] = useState('');
  const [query, setQuery] = useState('');
  const [text, setText] = useState('');
  const [columns, setColumns] = useState<string[]>(ALL_COLUMNS);
  const [views, setViews] = useState<SavedView[]>(() => readViews(localStorage));
  const [viewName, setViewName] = useState('');
  const [selected, setSelected] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const { openEncounter, patch } = useAppStore();
  useEffect(() => {
    const timer = setTimeout(() => setText(query.trim()), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [query]);
  const drgs = useMemo(() => parseDrgList(drgText), [drgText]);
  const filter = useMemo<WorklistFilter>(
    () => ({ ...(statuses.length ? { status: statuses } : {}), ...(text ? { text } : {}), ...(drgs.length ? { estimatedDrg: drgs } : {}) }),
    [statuses, text, drgs],
  );
  const worklist = useWorklist(filter, sort);
  const rows = worklist.rows;
  const shownColumns = useMemo(() => columns.flatMap((id) => WORKLIST_COLUMNS.filter((c) => c.id === id)), [columns]);

  const applyView = (view: SavedView) => {
    setStatuses(view.statuses);
    setSort(view.sort);
    setDrgText(view.drgs.join(', '));
    setQuery(view.text);
    setText(view.text);
    setColumns(view.columns.length ? view.columns : ALL_COLUMNS);
    setViewName(view.name);
    patch({ notice: `View “${view.name}”` });
  };
  // Views picked in the command palette by name (Ctrl+K), read fresh: another window may have saved it.
  const applyViewRef = useRef(applyView);
  applyViewRef.current = applyView;
  useEffect(
    () =>
      handleViewRequests((name) => {
        const view = readViews(localStorage).find((v) => v.name === name);
        if (view) applyViewRef.current(view);
      }),
    [],
  );
  // Electron has no window.prompt: the name is typed in a field that appears in the bar.
  const [naming, setNaming] = useState<string | null>(null);
  const saveCurrent = (name: string) => {
    setNaming(null);
    if (!name) return;
    try {
      setViews(saveView(localStorage, { name, statuses, sort, text: query.trim(), columns, drgs }));
      setViewName(name);
    } catch (error) {
      patch({ notice: `View not saved: ${(error as Error).message}` });
    }
  };

  useEffect(() => {
    // The moment a coder can act on the worklist: the start-up benchmark reads this mark.
    if (worklist.ready && performance.getEntriesByName('atrium:interactive').length === 0) performance.mark('atrium:interactive');
  }, [worklist.ready]);
  useEffect(() => {
    if (!worklist.ready) return;
    // Once the coder can act, main loads the code sets and MS-DRG tables so the first search is warm.
    // Best effort: a failure shows again, with its message, on the first search.
    const timer = setTimeout(() => void api.call('codes.warm').catch(() => undefined), 1_000);
    return () => clearTimeout(timer);
  }, [worklist.ready]);
  useEffect(() => setSelected((s) => Math.min(s, Math.max(0, rows.length - 1))), [rows.length]);

  const claimNext = async () => {
    try {
      const item = await api.call('worklist.claimNext', { filter: {} });
      if (item) openEncounter(item.id);
      else patch({ notice: 'Nothing left to claim: every encounter is coded, held or taken.' });
    } catch (error) {
      patch({ notice: (error as Error).message });
    }
  };

  const toggle = (status: WorkStatus) => setStatuses((s) => (s.includes(status) ? s.filter((x) => x !== status) : [...s, status]));
  // With a search or a DRG filter the count of matches is not known until the last page: the grid grows as it loads.
  const total = worklist.counts && !text && drgs.length === 0 ? statuses.reduce((n, s) => n + (worklist.counts?.byStatus[s] ?? 0), 0) : rows.length;

  return (
    <section className="worklist" aria-labelledby="worklist-title" data-ready={worklist.ready ? 'worklist' : undefined}>
      <header className="worklist-bar">
        <h1 id="worklist-title">Worklist</h1>
        <div role="group" aria-label="Status" className="chips">
          {STATUSES.map((s) => (
            <button key={s} className={statuses.includes(s) ? 'chip on' : 'chip'} aria-pressed={statuses.includes(s)} onClick={() => toggle(s)}>
              {STATUS_LABEL[s]} <span className="count">{worklist.counts?.byStatus[s] ?? '…'}</span>
            </button>
          ))}
        </div>
        <label className="inline">
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as WorklistSort)}>
            <option value="priority">Priority</option>
            <option value="age">Oldest discharge</option>
            <option value="drg">Estimated DRG</option>
          </select>
        </label>
        <input
          size={16}
          aria-label="Show only these estimated DRGs"
          placeholder="Est. DRG: 193, 871"
          value={drgText}
          onChange={(e) => setDrgText(e.target.value)}
        />
        <input
          ref={search}
          type="search"
          className="search"
          placeholder="Search all: id, MRN, payer, note words ( / )"
          aria-label="Search the worklist"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' || e.key === 'Enter') {
              e.preventDefault();
              if (e.key === 'Escape') setQuery('');
              grid.current?.querySelector<HTMLElement>('[role="grid"]')?.focus();
            }
          }}
        />
        <label className="inline">
          View
          <select
            aria-label="Saved view (Alt+1…9)"
            value={viewName}
            onChange={(e) => {
              const view = views.find((v) => v.name === e.target.value);
              if (view) applyView(view);
            }}
          >
            <option value="">—</option>
            {views.map((v, i) => (
              <option key={v.name} value={v.name}>
                {i < 9 ? `${i + 1}. ` : ''}
                {v.name}
              </option>
            ))}
          </select>
        </label>
        {naming === null ? (
          <button onClick={() => setNaming(viewName)} title="Save the filters, sort, search and columns under a name">
            Save view
          </button>
        ) : (
          <input
            autoFocus
            aria-label="Name of the view to save (Enter saves, Esc cancels)"
            placeholder="View name, Enter"
            value={naming}
            onChange={(e) => setNaming(e.target.value)}
            onBlur={() => setNaming(null)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') saveCurrent(naming.trim());
              else if (e.key === 'Escape') setNaming(null);
              else return;
              e.preventDefault();
            }}
          />
        )}
        {viewName && (
          <button
            aria-label={`Delete view ${viewName}`}
            onClick={() => {
              setViews(deleteView(localStorage, viewName));
              setViewName('');
            }}
          >
            Delete view
          </button>
        )}
        <details className="column-chooser">
          <summary>Columns</summary>
          <fieldset>
            <legend>Columns shown</legend>
            {WORKLIST_COLUMNS.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={columns.includes(c.id)}
                  onChange={() => setColumns((cs) => (cs.includes(c.id) ? cs.filter((x) => x !== c.id) : ALL_COLUMNS.filter((id) => id === c.id || cs.includes(id))))}
                />
                {c.header}
              </label>
            ))}
          </fieldset>
        </details>
        <button className="primary" onClick={() => void claimNext()} title="Claim the highest-priority encounter (n)">
          Claim next <kbd>n</kbd>
        </button>
      </header>
      <ProductivityPanel />
      {worklist.counts?.readOnly && (
        <div className="notice" role="alert">
          The local store is read-only: {worklist.counts.readOnlyReason}
        </div>
      )}
      {worklist.error && (
        <div className="notice" role="alert">
          {worklist.error}
        </div>
      )}
      <p className="muted grid-summary" aria-live="polite">
        {worklist.ready
          ? text
            ? `${rows.length.toLocaleString()}${worklist.more ? '+' : ''} matching “${text}” in the whole worklist`
            : `${rows.length.toLocaleString()} shown of ${total.toLocaleString()}${worklist.more ? ' (more load as you scroll)' : ''}`
          : 'Loading…'}
      </p>
      <div ref={grid} className="grid-wrap">
        <VirtualGrid
          label="Encounters"
          columns={shownColumns}
          rows={rows}
          rowKey={(r) => r.id}
          totalRows={total}
          selected={selected}
          onSelect={setSelected}
          onOpen={(i) => rows[i] && openEncounter(rows[i].id)}
          onNearEnd={worklist.more ? () => void worklist.loadMore() : undefined}
          onKeyDown={(e) => {
            const view = e.altKey && /^[1-9]$/.test(e.key) ? views[Number(e.key) - 1] : undefined;
            if (view) {
              e.preventDefault();
              return applyView(view);
            }
            if (e.ctrlKey || e.metaKey || e.altKey) return;
            if (e.key === '/') {
              e.preventDefault();
              search.current?.focus();
            } else if (e.key === 'n') {
              e.preventDefault();
              void claimNext();
            }
          }}
        />
      </div>
    </section>
  );
}
