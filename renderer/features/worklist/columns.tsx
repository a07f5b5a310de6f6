import type { ChartSyncState, WorklistItem } from '../../../preload/contract';
import { ServerConflictBadge } from '../sync/ServerConflictBadge';
import type { GridColumn } from './VirtualGrid';

const DAY = 86_400_000;
const date = (iso: string) => iso.slice(0, 10);
/** Days between admission and discharge; a dash where the warehouse sent no date. */
const lengthOfStay = (row: WorklistItem) => {
  const days = Math.round((Date.parse(row.dischargeDate) - Date.parse(row.admitDate)) / DAY);
  return Number.isFinite(days) ? Math.max(0, days) : '—';
};

export const STATUS_LABEL: Record<WorklistItem['status'], string> = {
  ready: 'Ready',
  in_progress: 'In progress',
  hold: 'On hold',
  query: 'Physician query',
  submitted: 'Submitted',
};

/** A submitted chart's place with the warehouse: an icon and words (colour is never the only signal). */
const SYNC_SHOWN: Record<ChartSyncState, { icon: string; label: string; title: string }> = {
  pending: { icon: '◷', label: 'Pending sync', title: 'Submitted; waiting to reach the warehouse' },
  retrying: { icon: '↻', label: 'Retrying sync', title: 'Submitted; the last attempt to reach the warehouse failed and will be retried' },
  acknowledged: { icon: '✓', label: 'Acknowledged', title: 'Submitted and acknowledged by the warehouse' },
  'dead-letter': { icon: '⚠', label: 'Refused', title: 'Submitted but refused by the warehouse: see Sync' },
  withdrawn: { icon: '↶', label: 'Withdrawn', title: 'The submit was undone' },
};

function Status({ row }: { row: WorklistItem }) {
  const sync = row.status === 'submitted' && row.sync ? SYNC_SHOWN[row.sync] : null;
  if (!sync) return <span className={`status status-${row.status}`}>{STATUS_LABEL[row.status]}</span>;
  return (
    <span className={`status status-submitted sync-${row.sync}`} title={sync.title} data-sync={row.sync}>
      <span aria-hidden="true">{sync.icon}</span> {sync.label}
    </span>
  );
}

function Confidence({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  const pct = Math.round(value * 100);
  // The number is always shown: colour is never the only signal.
  return (
    <span className={value < 0.5 ? 'confidence low' : 'confidence'} title={`Model confidence ${pct}%`}>
      <span className="bar" style={{ width: `${pct}%` }} />
      {pct}%
    </span>
  );
}

/** The DRG number (with its weight when a weights table is loaded); the title, and that it is an estimate, on hover. */
function EstimatedDrg({ value }: { value: WorklistItem['estimatedDrg'] }) {
  if (value === null) return <span className="muted" title="No estimate: no suggestions the grouper can group">—</span>;
  return (
    <span className="mono" title={`Estimated from the suggestions: MS-DRG ${value.drg} ${value.title}`}>
      {value.drg}
      {value.weight !== null && <span className="muted"> · {value.weight.toFixed(2)}</span>}
    </span>
  );
}

/** Columns a view shows when it names none (every column). */
export const WORKLIST_COLUMNS: readonly GridColumn<WorklistItem>[] = [
  { id: 'priority', header: 'Priority', width: '60px', align: 'end', cell: (r) => r.priority.toFixed(1) },
  {
    id: 'id',
    header: 'Encounter',
    width: 'minmax(110px, 1.1fr)',
    cell: (r) => (
      <>
        <span className="mono">{r.id}</span>
        <ServerConflictBadge encounterId={r.id} />
      </>
    ),
  },
  { id: 'patient', header: 'Patient', width: '92px', cell: (r) => <span title="Initials, age, sex">{[r.patientInitials ?? '—', r.age ?? '?', r.sex ?? ''].join(' ')}</span> },
  { id: 'facility', header: 'Facility', width: 'minmax(80px, 1.2fr)', cell: (r) => r.facility },
  { id: 'admit', header: 'Admit', width: '84px', cell: (r) => date(r.admitDate) },
  { id: 'discharge', header: 'Discharge', width: '84px', cell: (r) => date(r.dischargeDate) },
  { id: 'los', header: 'LOS', width: '36px', align: 'end', cell: lengthOfStay },
  { id: 'payer', header: 'Payer', width: 'minmax(70px, 1fr)', cell: (r) => r.payer },
  { id: 'serviceLine', header: 'Service line', width: 'minmax(80px, 1.1fr)', cell: (r) => r.serviceLine },
  { id: 'dnfb', header: 'DNFB', width: '48px', align: 'end', cell: (r) => r.dnfbDays },
  { id: 'drg', header: 'DRG impact', width: '76px', align: 'end', cell: (r) => (r.drgImpact === null ? '—' : r.drgImpact.toFixed(2)) },
  { id: 'estDrg', header: 'Est. DRG', width: '76px', cell: (r) => <EstimatedDrg value={r.estimatedDrg} /> },
  { id: 'confidence', header: 'Confidence', width: '92px', cell: (r) => <Confidence value={r.modelConfidence} /> },
  { id: 'status', header: 'Status', width: '116px', cell: (r) => <Status row={r} /> },
  { id: 'assignee', header: 'Assignee', width: 'minmax(70px, 0.9fr)', cell: (r) => r.leaseOwner ?? <span className="muted">—</span> },
];
