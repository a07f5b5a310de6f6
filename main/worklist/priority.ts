import { createHash } from 'node:crypto';
import { SettingsSchema, type SettingKey, type Settings } from '../../preload/contract.js';

/**
 * How urgent an encounter is, as points. Older DNFB, more money at stake, payers with tight billing
 * windows, low model confidence (a human is needed sooner) and a near or past due date all add points.
 * The weights are settings (`worklist.priority.*`, policy can set them); every stored priority is
 * recomputed when they change.
 */
export interface PriorityFormula {
  readonly perDnfbDay: number;
  readonly maxDnfbDays: number;
  /** Points per $1,000 of estimated DRG impact (only where a grouper estimate exists). */
  readonly perThousandDrgImpact: number;
  readonly maxDrgImpactPoints: number;
  readonly payerPoints: Readonly<Record<string, number>>;
  /** Points × (1 − confidence); an encounter the model has not seen counts as confidence 0. */
  readonly lowConfidencePoints: number;
  readonly dueSoonDays: number;
  readonly dueSoonPoints: number;
  readonly overduePoints: number;
}

type PriorityKey = Extract<SettingKey, `worklist.priority.${string}`>;

/** The formula the settings describe; `get` reads one setting (the settings service, or the defaults). */
export function formulaFromSettings(get: <K extends PriorityKey>(key: K) => Settings[K]): PriorityFormula {
  const payerPoints: Record<string, number> = {};
  for (const entry of get('worklist.priority.payerPoints')) {
    const at = entry.lastIndexOf('=');
    payerPoints[entry.slice(0, at).trim()] = Number(entry.slice(at + 1));
  }
  return {
    perDnfbDay: get('worklist.priority.perDnfbDay'),
    maxDnfbDays: get('worklist.priority.maxDnfbDays'),
    perThousandDrgImpact: get('worklist.priority.perThousandDrgImpact'),
    maxDrgImpactPoints: get('worklist.priority.maxDrgImpactPoints'),
    payerPoints,
    lowConfidencePoints: get('worklist.priority.lowConfidencePoints'),
    dueSoonDays: get('worklist.priority.dueSoonDays'),
    dueSoonPoints: get('worklist.priority.dueSoonPoints'),
    overduePoints: get('worklist.priority.overduePoints'),
  };
}

const DEFAULT_SETTINGS = SettingsSchema.parse({});
export const DEFAULT_FORMULA: PriorityFormula = formulaFromSettings((key) => DEFAULT_SETTINGS[key]);

export interface PriorityInputs {
  readonly dischargeDate: string;
  readonly payer: string;
  readonly drgImpact: number | null;
  readonly modelConfidence: number | null;
  readonly dueDate: string | null;
}

const DAY_MS = 86_400_000;

export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) / DAY_MS);
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dnfbDays(dischargeDate: string, nowMs: number): number {
  return Math.max(0, Math.floor(nowMs / DAY_MS) - dayNumber(dischargeDate));
}

export function computePriority(e: PriorityInputs, f: PriorityFormula, nowMs: number): number {
  const today = Math.floor(nowMs / DAY_MS);
  let points = Math.min(dnfbDays(e.dischargeDate, nowMs), f.maxDnfbDays) * f.perDnfbDay;
  if (e.drgImpact !== null) points += Math.min((Math.max(0, e.drgImpact) / 1000) * f.perThousandDrgImpact, f.maxDrgImpactPoints);
  points += f.payerPoints[e.payer] ?? 0;
  const confidence = e.modelConfidence === null ? 0 : Math.min(1, Math.max(0, e.modelConfidence));
  points += (1 - confidence) * f.lowConfidencePoints;
  if (e.dueDate !== null) {
    const daysLeft = dayNumber(e.dueDate) - today;
    if (daysLeft < 0) points += f.overduePoints;
    else if (daysLeft <= f.dueSoonDays) points += f.dueSoonPoints * (1 - daysLeft / (f.dueSoonDays + 1));
  }
  return Math.round(points * 1000) / 1000;
}

export function formulaFingerprint(f: PriorityFormula): string {
  return createHash('sha256').update(JSON.stringify(f)).digest('hex').slice(0, 16);
}
