import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorklistCounts, WorklistFilter, WorklistItem } from '../../../preload/contract';
import { api } from '../../api';

const PAGE = 200;

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

/**
 * The worklist as keyset pages from main: the first page on load and whenever the filter, sort or
 * store changes; the next page when the grid nears the end. Stale replies are dropped.
 */
export function useWorklist(filter: WorklistFilter, sort: 'priority' | 'age') {
  const [state, setState] = useState<WorklistState>({ rows: [], counts: null, more: false, loading: true, error: null, ready: false });
  const cursor = useRef<string | null>(null);
  const generation = useRef(0);
  const fetching = useRef(false);
  const filterKey = JSON.stringify(filter);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    fetching.current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const [page, counts] = await Promise.all([
        api.call('worklist.list', { filter: JSON.parse(filterKey) as WorklistFilter, sort, limit: PAGE, cursor: null }),
        api.call('worklist.counts'),
      ]);
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
    const stop = api.on('worklist.changed', () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 150);
    });
    return () => {
      clearTimeout(timer);
      stop();
    };
  }, [reload]);

  return { ...state, reload, loadMore };
}
