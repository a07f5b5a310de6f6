import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkStatus, WorklistCounts, WorklistFilter, WorklistItem, WorklistPage, WorklistSort } from '../../../preload/contract';
import { api } from '../../api';

const PAGE = 200;
type Sort = WorklistSort;

/** What the worklist shows when the station opens: work ready or in progress, by priority. */
export const OPENING_STATUSES: readonly WorkStatus[] = ['ready', 'in_progress'];
export const OPENING_SORT: Sort = 'priority';
/** An early opening page older than this is asked for again (the view mounted late, e.g. after an unlock). */
const EARLY_PAGE_FRESH_MS = 5_000;

type FirstPage = [WorklistPage, WorklistCounts];
let earlyPage: { key: string; at: number; reply: Promise<FirstPage> } | null = null;

function fetchFirstPage(filterKey: string, sort: Sort): Promise<FirstPage> {
  return Promise.all([
    api.call('worklist.list', { filter: JSON.parse(filterKey) as WorklistFilter, sort, limit: PAGE, cursor: null }),
    api.call('worklist.counts'),
  ]);
}

/**
 * Asks for the opening page before React renders (main.tsx), so main reads it while the shell draws.
 * The view takes it once; a refused early call (a locked station) is simply asked again.
 */
export function fetchOpeningPageEarly(): void {
  const filterKey = JSON.stringify({ status: OPENING_STATUSES });
  const reply = fetchFirstPage(filterKey, OPENING_SORT);
  reply.catch(() => undefined);
  earlyPage = { key: filterKey + OPENING_SORT, at: performance.now(), reply };
}

function takeFirstPage(filterKey: string, sort: Sort): Promise<FirstPage> {
  const early = earlyPage;
  earlyPage = null;
  if (early && early.key === filterKey + sort && performance.now() - early.at < EARLY_PAGE_FRESH_MS) {
    return early.reply.catch(() => fetchFirstPage(filterKey, sort));
  }
  return fetchFirstPage(filterKey, sort);
}

export interface WorklistState {
  rows: WorklistItem[];
  counts: WorklistCounts | null;
  /** More rows wait behind the last page. */
  more: boolean;
  loading: boolean;
  error: string | null;
  /** True once the first page has arrived (the start-up benchmark waits for this). */
  ready: boolean;
}

const awaitsWarehouse = (row: WorklistItem) => row.sync === 'pending' || row.sync === 'retrying';

/**
 * The worklist as keyset pages from main: the first page on load and whenever the filter, sort or
 * store changes; the next page when the grid nears the end. Stale replies are dropped.
 */
export function useWorklist(filter: WorklistFilter, sort: Sort) {
  const [state, setState] = useState<WorklistState>({ rows: [], counts: null, more: false, loading: true, error: null, ready: false });
  const cursor = useRef<string | null>(null);
  const generation = useRef(0);
  const fetching = useRef(false);
  const filterKey = JSON.stringify(filter);
  const rows = useRef<WorklistItem[]>([]);
  rows.current = state.rows;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    fetching.current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const [page, counts] = await takeFirstPage(filterKey, sort);
      if (mine !== generation.current) return;
      cursor.current = page.nextCursor;
      setState({ rows: page.items, counts, more: page.nextCursor !== null, loading: false, error: null, ready: true });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, loading: false, error: (error as Error).message, ready: true }));
    } finally {
      if (mine === generation.current) fetching.current = false;
    }
  }, [filterKey, sort]);

  const loadMore = useCallback(async () => {
    if (fetching.current || cursor.current === null) return;
    const mine = generation.current;
    fetching.current = true;
    try {
      const page = await api.call('worklist.list', { filter: JSON.parse(filterKey) as WorklistFilter, sort, limit: PAGE, cursor: cursor.current });
      if (mine !== generation.current) return;
      cursor.current = page.nextCursor;
      setState((s) => ({ ...s, rows: [...s.rows, ...page.items], more: page.nextCursor !== null }));
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error: (error as Error).message }));
    } finally {
      if (mine === generation.current) fetching.current = false;
    }
  }, [filterKey, sort]);

  useEffect(() => {
    void reload();
    // Another window, the sync engine or a lease expiry changed the list: start again from the top.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reloadSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 150);
    };
    const stops = [
      api.on('worklist.changed', reloadSoon),
      // A push acknowledges or refuses submitted work without changing the worklist itself: shown rows
      // still waiting on the warehouse are read again, other sync progress costs nothing.
      api.on('sync.changed', () => rows.current.some(awaitsWarehouse) && reloadSoon()),
    ];
    return () => {
      clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [reload]);

  return { ...state, reload, loadMore };
}
