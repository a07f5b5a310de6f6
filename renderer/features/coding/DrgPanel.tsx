import { useEffect, useState } from 'react';
import type { CodingGroupResult } from '../../../preload/contract';
import { api } from '../../api';
import type { CodeDecision } from './draftModel';

/**
 * The MS-DRG that the coded list groups to, recomputed as codes change: DRG, MDC, severity and what
 * drives it, what would change it, and the Medicare Code Editor's warnings. Weights show only when an
 * administrator has loaded a weights table.
 */
export function DrgPanel({ codes, age, sex }: { codes: CodeDecision[]; age: number | null; sex: string | null }) {
  const [result, setResult] = useState<CodingGroupResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(codes.map((c) => [c.code, c.system, c.principal === true]));

  useEffect(() => {
    let live = true;
    const diagnoses = codes.filter((c) => c.system === 'ICD-10-CM');
    const principal = diagnoses.find((c) => c.principal)?.code ?? null;
    api
      .call('coding.group', {
        principal,
        secondaries: diagnoses.filter((c) => c.code !== principal).map((c) => c.code),
        procedures: codes.filter((c) => c.system === 'ICD-10-PCS').map((c) => c.code),
        age,
        sex: sex === 'M' || sex === 'F' ? sex : 'U',
        dischargeStatus: null,
      })
      .then(
        (r) => live && (setResult(r), setError(null)),
        (e: Error) => live && setError(e.message),
      );
    return () => {
      live = false;
    };
    // `key` stands for `codes`: it changes exactly when something that matters to grouping does.
  }, [key, age, sex]);

  if (error) return <div className="drg muted">Grouper unavailable: {error}</div>;
  if (!result) return <div className="drg muted">Grouping…</div>;
  const g = result.grouping;
  return (
    <section className="drg" aria-label="MS-DRG" aria-live="polite">
      <h2>MS-DRG</h2>
      {g.drg ? (
        <p className="drg-main" data-testid="drg">
          <strong className="mono">{g.drg.drg}</strong> {g.drg.title}
          {g.weight && <span className="muted"> · weight {g.weight.weight.toFixed(4)}</span>}
        </p>
      ) : (
        <p className="muted" data-testid="drg">No DRG yet{g.problems[0] ? `: ${g.problems[0].message}` : ''}</p>
      )}
      {g.mdc && (
        <p className="small">
          MDC {g.mdc.code} {g.mdc.description ?? ''} · severity {g.tier ?? '—'}
          {g.drivers.severity.length > 0 && <> · driven by <span className="mono">{g.drivers.severity.join(', ')}</span></>}
        </p>
      )}
      {g.secondaries.length > 0 && (
        <ul className="small">
          {g.secondaries.map((s) => (
            <li key={s.code}>
              <span className="mono">{s.code}</span> {s.level ?? 'not a CC'}
              {s.status === 'excluded' && ' (excluded by the principal diagnosis)'}
            </li>
          ))}
        </ul>
      )}
      {g.whatIf.length > 0 && (
        <p className="small">
          Would change: {g.whatIf.map((w) => `${w.change} → ${w.drg}`).join('; ')}
        </p>
      )}
      {[...g.notes, ...(g.status === 'procedures-not-evaluated' ? ['Procedures are not evaluated for surgical DRGs in this version'] : [])].map((n) => (
        <p key={n} className="muted small">{n}</p>
      ))}
      {result.edits.length > 0 && (
        <ul className="edits" aria-label="Code edits">
          {result.edits.map((e, i) => (
            <li key={i} role="alert">
              ⚠ {e.code && <span className="mono">{e.code}</span>} {e.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
