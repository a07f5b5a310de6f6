import type { SyncRun } from '../../../preload/contract';

const WIDTH = 480;
const HEIGHT = 120;
const PAD = 24;

/** Items per second of each sync run (push + pull), as bars in plain SVG; failed runs in the warning colour. */
export function ThroughputChart({ runs }: { runs: readonly SyncRun[] }) {
  if (runs.length === 0) return <p className="muted">No sync has run since Atrium started.</p>;
  const rates = runs.map((r) => ((r.pushed + r.pulled) / Math.max(r.durationMs, 1)) * 1000);
  const max = Math.max(...rates, 1);
  const slot = (WIDTH - PAD) / runs.length;
  return (
    <svg className="throughput" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Throughput of the last ${runs.length} syncs, up to ${Math.round(max)} items per second`}>
      <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH} y2={HEIGHT - PAD} stroke="currentColor" strokeOpacity="0.4" />
      <text x={0} y={12} fontSize="10" fill="currentColor">
        {Math.round(max)}/s
      </text>
      {runs.map((r, i) => {
        const h = ((HEIGHT - 2 * PAD) * (rates[i] ?? 0)) / max;
        return (
          <rect key={`${r.at}-${i}`} data-testid="sync-run" x={PAD + i * slot + 1} y={HEIGHT - PAD - h} width={Math.max(slot - 2, 1)} height={Math.max(h, r.ok ? 0 : 2)} fill={r.ok ? 'var(--accent, #2563eb)' : 'var(--warn, #d97706)'}>
            <title>{`${new Date(r.at).toLocaleTimeString()}: ${r.pushed} pushed, ${r.pulled} pulled in ${Math.round(r.durationMs)} ms${r.error ? ` — ${r.error}` : ''}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
