import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

interface KeyListProps<T> {
  readonly label: string;
  readonly items: readonly T[];
  readonly itemKey: (item: T) => string;
  readonly render: (item: T, active: boolean) => ReactNode;
  /** Enter or a click; `via` says which, so the caller can move the keyboard focus on. */
  readonly onChoose: (item: T, via: 'keyboard' | 'pointer') => void;
  /** The chosen item's key (shown as selected). */
  readonly chosenKey?: string | null;
  readonly testId?: string;
  /** Takes the keyboard focus when it appears (the next step after a choice made by keyboard). */
  readonly autoFocus?: boolean;
}

/**
 * A list the keyboard can drive: Up/Down (and Home/End) move, Enter chooses, like the worklist grid.
 * One tab stop for the whole list (aria-activedescendant), so Tab moves between lists, not rows.
 */
export function KeyList<T>({ label, items, itemKey, render, onChoose, chosenKey = null, testId, autoFocus = false }: KeyListProps<T>) {
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();
  useEffect(() => setActive((a) => Math.min(a, Math.max(0, items.length - 1))), [items.length]);
  useEffect(() => {
    list.current?.children[active]?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  useEffect(() => {
    if (autoFocus) list.current?.focus();
  }, [autoFocus]);

  const onKeyDown = (e: KeyboardEvent) => {
    const last = items.length - 1;
    const move = { ArrowDown: Math.min(last, active + 1), ArrowUp: Math.max(0, active - 1), Home: 0, End: last }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      setActive(move);
    } else if (e.key === 'Enter' && items[active] !== undefined) {
      e.preventDefault();
      onChoose(items[active] as T, 'keyboard');
    }
  };

  return (
    <ul
      ref={list}
      role="listbox"
      aria-label={label}
      tabIndex={items.length > 0 ? 0 : -1}
      className="keylist"
      data-testid={testId}
      aria-activedescendant={items.length > 0 ? `${id}-${active}` : undefined}
      onKeyDown={onKeyDown}
    >
      {items.map((item, i) => {
        const key = itemKey(item);
        return (
          <li
            key={key}
            id={`${id}-${i}`}
            role="option"
            aria-selected={key === chosenKey}
            className={i === active ? 'active' : undefined}
            onClick={() => {
              setActive(i);
              onChoose(item, 'pointer');
            }}
          >
            {render(item, i === active)}
          </li>
        );
      })}
    </ul>
  );
}
