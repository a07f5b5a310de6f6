import { useEffect, useMemo, useRef, useState } from 'react';
import { appCommands, filterCommands } from './commands';
import { useAppStore } from './store';

export function CommandPalette() {
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const all = useMemo(() => appCommands(), []);
  const shown = filterCommands(all, query);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);

  const run = (index: number) => {
    const command = shown[index];
    if (!command) return;
    setOpen(false);
    void command.run();
  };

  return (
    <div className="palette-backdrop" onMouseDown={() => setOpen(false)}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          ref={input}
          className="palette-input"
          placeholder="Type a command…"
          aria-label="Command"
          aria-controls="palette-list"
          aria-activedescendant={shown[active] ? `cmd-${shown[active].id}` : undefined}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((i) => Math.min(i + 1, shown.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(active);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              setOpen(false);
            }
          }}
        />
        <ul id="palette-list" role="listbox" className="palette-list">
          {shown.length === 0 && <li className="palette-empty">No matching command</li>}
          {shown.map((command, index) => (
            <li
              key={command.id}
              id={`cmd-${command.id}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'palette-item active' : 'palette-item'}
              onMouseEnter={() => setActive(index)}
              onClick={() => run(index)}
            >
              <span>{command.title}</span>
              {command.keys && <kbd>{command.keys}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
