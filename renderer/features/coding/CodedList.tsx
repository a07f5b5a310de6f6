import { useState } from 'react';
import type { CodingDraft } from '../../../preload/contract';
import { coded, move, moveTo, remove, setAdmitting, setPoa, setPrincipal } from './draftModel';

/**
 * The claim's codes in order: principal (radio), admitting diagnosis, POA, and sequencing by keyboard
 * (↑/↓ buttons, or Alt+↑/↓ on a row) or by dragging a row onto another.
 */
export function CodedList({ draft, editable, onEdit }: { draft: CodingDraft; editable: boolean; onEdit(next: CodingDraft): void }) {
  const [dragging, setDragging] = useState<string | null>(null);
  return (
    <ol className="coded" aria-label="Coded list">
      {coded(draft).map((c) => (
        <li
          key={c.code}
          draggable={editable}
          data-code={c.code}
          className={dragging === c.code ? 'dragging' : undefined}
          onDragStart={(e) => {
            setDragging(c.code);
            e.dataTransfer.setData('text/plain', c.code);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragEnd={() => setDragging(null)}
          // The dragged code travels in the drag data (readable on drop only); its type says it is one of ours.
          onDragOver={(e) => editable && e.dataTransfer.types.includes('text/plain') && e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            const from = e.dataTransfer.getData('text/plain') || dragging;
            setDragging(null);
            if (from && from !== c.code) onEdit(moveTo(draft, from, c.code));
          }}
          onKeyDown={(e) => {
            if (!editable || !e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
            e.preventDefault();
            onEdit(move(draft, c.code, e.key === 'ArrowUp' ? -1 : 1));
          }}
        >
          {editable && <span className="grip" aria-hidden="true">⠿</span>}
          <label>
            <input type="radio" name="principal" disabled={!editable || c.system !== 'ICD-10-CM'} checked={c.principal === true} onChange={() => onEdit(setPrincipal(draft, c.code))} />
            <span className="mono">{c.code}</span> {c.principal && <strong>principal</strong>}
          </label>
          {c.system === 'ICD-10-CM' && (
            <>
              <label className="small">
                <input type="checkbox" disabled={!editable} checked={c.admitting === true} onChange={() => onEdit(setAdmitting(draft, c.code))} />
                admitting
              </label>
              <select aria-label={`POA for ${c.code}`} disabled={!editable} value={c.poa ?? ''} onChange={(e) => onEdit(setPoa(draft, c.code, (e.target.value || null) as typeof c.poa))}>
                <option value="">POA…</option>
                {['Y', 'N', 'U', 'W', '1'].map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </>
          )}
          {editable && (
            <>
              <button aria-label={`Move ${c.code} up`} onClick={() => onEdit(move(draft, c.code, -1))}>↑</button>
              <button aria-label={`Move ${c.code} down`} onClick={() => onEdit(move(draft, c.code, 1))}>↓</button>
              <button aria-label={`Remove ${c.code}`} onClick={() => onEdit(remove(draft, c.code))}>×</button>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}
