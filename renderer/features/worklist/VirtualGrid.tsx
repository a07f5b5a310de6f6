import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface GridColumn<Row> {
  id: string;
  header: string;
  /** CSS grid track, e.g. '90px' or 'minmax(120px, 1fr)'. */
  width: string;
  align?: 'start' | 'end';
  cell(row: Row): ReactNode;
}

export interface VirtualGridProps<Row> {
  label: string;
  columns: readonly GridColumn<Row>[];
  rows: readonly Row[];
  rowKey(row: Row): string;
  /** Rows the source holds in all, for the scrollbar and screen readers; rows.length while unknown. */
  totalRows: number;
  selected: number;
  onSelect(index: number): void;
  onOpen(index: number): void;
  /** Called when the view nears the end of the loaded rows. */
  onNearEnd?(): void;
  onKeyDown?(event: KeyboardEvent<HTMLDivElement>): void;
  rowHeight?: number;
}

const OVERSCAN = 12;

/**
 * A grid that renders only the rows in view, so 100,000 rows scroll as smoothly as 100. Rows have one
 * fixed height; the body is a single scroll container with a spacer the full height of all rows.
 * Keyboard: j/k or arrows move, PgUp/PgDn, Home/End, Enter opens.
 */
export function VirtualGrid<Row>(props: VirtualGridProps<Row>) {
  const { columns, rows, selected, onSelect, onNearEnd, rowHeight = 32 } = props;
  const body = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    if (last >= rows.length - OVERSCAN * 4) onNearEnd?.();
  }, [last, rows.length, onNearEnd]);

  // Keep the selected row in view when the keyboard moves it.
  useEffect(() => {
    const el = body.current;
    if (!el || selected < 0) return;
    const top = selected * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selected, rowHeight]);

  const pageRows = Math.max(1, Math.floor(view.height / rowHeight) - 1);
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      props.onKeyDown?.(event);
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const move = (to: number) => {
        event.preventDefault();
        onSelect(Math.max(0, Math.min(rows.length - 1, to)));
      };
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          return move(selected + 1);
        case 'k':
        case 'ArrowUp':
          return move(selected - 1);
        case 'PageDown':
          return move(selected + pageRows);
        case 'PageUp':
          return move(selected - pageRows);
        case 'Home':
          return move(0);
        case 'End':
          return move(rows.length - 1);
        case 'Enter':
          if (selected >= 0) {
            event.preventDefault();
            props.onOpen(selected);
          }
      }
    },
    [props, onSelect, rows.length, selected, pageRows],
  );

  const template = columns.map((c) => c.width).join(' ');
  const visible = [];
  for (let i = first; i < last; i++) {
    const row = rows[i] as Row;
    visible.push(
      <div
        key={props.rowKey(row)}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={i === selected}
        className={i === selected ? 'grid-row selected' : 'grid-row'}
        style={{ top: i * rowHeight, height: rowHeight, gridTemplateColumns: template }}
        onClick={() => onSelect(i)}
        onDoubleClick={() => props.onOpen(i)}
      >
        {columns.map((c) => (
          <div key={c.id} role="gridcell" className={c.align === 'end' ? 'cell end' : 'cell'}>
            {c.cell(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      className="grid"
      role="grid"
      aria-label={props.label}
      aria-rowcount={props.totalRows + 1}
      aria-colcount={columns.length}
      aria-activedescendant={undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div role="row" aria-rowindex={1} className="grid-header" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div key={c.id} role="columnheader" className={c.align === 'end' ? 'cell end' : 'cell'}>
            {c.header}
          </div>
        ))}
      </div>
      <div className="grid-body" ref={body} onScroll={(e) => setView({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}>
        <div className="grid-spacer" style={{ height: rows.length * rowHeight }}>
          {visible}
        </div>
      </div>
    </div>
  );
}
