import { useState } from 'react';
import { fillQuery, MAX_QUERY_LENGTH, QUERY_TEMPLATES, type QueryContext, type QueryTemplate } from './queryTemplates';

/**
 * Query the physician: pick a template, it fills with the encounter's context, the coder edits it, and
 * sending stores the text with the encounter's query state.
 */
export function QueryComposer({ context, onSend, onCancel }: { context: QueryContext; onSend(text: string): void; onCancel(): void }) {
  const [template, setTemplate] = useState<QueryTemplate['id']>('clinical-validation');
  const [text, setText] = useState(() => fillQuery('clinical-validation', context));
  return (
    <div className="query-composer" role="group" aria-label="Physician query">
      <label className="inline">
        Template
        <select
          value={template}
          onChange={(e) => {
            const id = e.target.value as QueryTemplate['id'];
            setTemplate(id);
            setText(fillQuery(id, context));
          }}
        >
          {QUERY_TEMPLATES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.title}
            </option>
          ))}
        </select>
      </label>
      <textarea aria-label="Query text (editable)" rows={6} maxLength={MAX_QUERY_LENGTH} value={text} onChange={(e) => setText(e.target.value)} />
      <div>
        <button className="primary" disabled={!text.trim()} onClick={() => onSend(text.trim())}>
          Send query
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
