import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenedSeries, Verification } from '../../../../preload/contract';
import { api, ApiError } from '../../../api';
import { useAppStore } from '../../../app/store';
import { EMPTY_FORM, formOf, inputOf, LATERALITIES, shortcutOf, stateText, VERDICTS, type Laterality, type VerifyForm } from './verifyForm';
import './VerifyPanel.css';

const MAX_FINDINGS = 4000;

function errorText(e: unknown): string {
  if (e instanceof ApiError && e.shape.issues?.length) return e.shape.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return e instanceof Error ? e.message : String(e);
}

/**
 * Verifies the open series as ground truth: verdict, findings, labels (the station's list), laterality
 * and location, confidence. Saving writes locally at once; the line below says whether it is waiting
 * to sync, in the warehouse, or published as an event. Keys: Alt+V/N/X, Alt+1…5, Alt+F, Ctrl+Enter.
 */
export function VerifyPanel({ series }: { series: OpenedSeries }) {
  const configured = useAppStore((s) => s.settings?.values['imaging.verification.labels']) ?? [];
  const [form, setForm] = useState<VerifyForm>(EMPTY_FORM);
  const [saved, setSaved] = useState<Verification | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'loading' | 'saving' | null>('loading');
  const [error, setError] = useState<string | null>(null);
  const findingsRef = useRef<HTMLTextAreaElement>(null);
  const studyInstanceUid = series.study.instanceUid;
  const seriesInstanceUid = series.series.instanceUid;

  // The saved verification, at open and whenever sync moves it along (pending → synced → published).
  useEffect(() => {
    let live = true;
    const load = (first: boolean) =>
      api.call('imaging.verification.get', { studyInstanceUid, seriesInstanceUid }).then(
        (v) => {
          if (!live) return;
          setSaved(v);
          if (first && v) setForm(formOf(v));
          if (first) setBusy(null);
        },
        (e: unknown) => {
          if (!live) return;
          if (first) setBusy(null);
          setError(errorText(e));
        },
      );
    void load(true);
    const stop = api.on('sync.changed', () => void load(false));
    return () => {
      live = false;
      stop();
    };
  }, [studyInstanceUid, seriesInstanceUid]);

  const edit = (patch: Partial<VerifyForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
    setError(null);
  };

  const save = useCallback(async () => {
    const input = inputOf(series, form);
    if (!input) {
      setError('Choose a verdict first (Alt+V verified, Alt+N needs review, Alt+X rejected).');
      return;
    }
    setBusy('saving');
    setError(null);
    try {
      const v = await api.call('imaging.verification.save', input);
      setSaved(v);
      setForm(formOf(v));
      setDirty(false);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }, [series, form]);

  useEffect(() => {
    // Capture phase: these Alt and Ctrl+Enter keys are the panel's wherever the focus is (a list that
    // takes Enter, the viewer), and nothing else in the imaging view uses them.
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      const action = shortcutOf(e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      if (action.kind === 'save') void save();
      else if (action.kind === 'verdict') edit({ verdict: action.verdict });
      else if (action.kind === 'confidence') edit({ confidence: action.value });
      else findingsRef.current?.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [save]);

  const labels = [...configured, ...form.labels.filter((l) => !configured.includes(l))];
  const toggle = (label: string) => edit({ labels: form.labels.includes(label) ? form.labels.filter((l) => l !== label) : [...form.labels, label] });
  const state = dirty ? 'unsaved' : (saved?.state ?? 'none');

  return (
    <form
      className="verify-panel"
      aria-label="Verify this series"
      aria-busy={busy !== null}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>Verify</h2>
      <fieldset className="verify-verdict">
        <legend>Verdict</legend>
        {VERDICTS.map((v) => (
          <label key={v.value} className={`verdict-${v.value}`}>
            <input type="radio" name="verdict" value={v.value} checked={form.verdict === v.value} onChange={() => edit({ verdict: v.value })} />
            {v.label} <kbd>Alt+{v.key}</kbd>
          </label>
        ))}
      </fieldset>

      <label className="verify-field">
        Findings <kbd>Alt+F</kbd>
        <textarea ref={findingsRef} rows={5} maxLength={MAX_FINDINGS} value={form.findings} onChange={(e) => edit({ findings: e.target.value })} />
        <span className="muted verify-count">
          {form.findings.length} / {MAX_FINDINGS}
        </span>
      </label>

      <fieldset className="verify-labels">
        <legend>Labels</legend>
        {labels.map((label) => (
          <label key={label}>
            <input type="checkbox" checked={form.labels.includes(label)} onChange={() => toggle(label)} />
            {label}
            {!configured.includes(label) && <span className="muted"> (no longer on this station's list)</span>}
          </label>
        ))}
      </fieldset>

      <div className="verify-row">
        <label className="verify-field">
          Laterality
          <select value={form.laterality ?? ''} onChange={(e) => edit({ laterality: e.target.value === '' ? null : (e.target.value as Laterality) })}>
            <option value="">—</option>
            {LATERALITIES.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label className="verify-field">
          Location
          <input type="text" maxLength={200} value={form.location} placeholder="e.g. right upper lobe" onChange={(e) => edit({ location: e.target.value })} />
        </label>
      </div>

      <label className="verify-field">
        Confidence <kbd>Alt+1…5</kbd>
        <span className="verify-confidence">
          <input type="range" min={1} max={5} step={1} value={form.confidence} onChange={(e) => edit({ confidence: Number(e.target.value) })} />
          <output>{form.confidence}</output>
        </span>
      </label>

      <div className="verify-actions">
        <button type="submit" disabled={busy !== null}>
          {busy === 'saving' ? 'Saving…' : 'Save verification'} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
      <p className="verify-state" data-state={state} role="status">
        {busy === 'loading' ? 'Loading…' : dirty ? `Unsaved changes. ${stateText(saved)}` : stateText(saved)}
      </p>
      {error && (
        <p className="verify-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
