import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * How urgent an encounter is, as points. Older DNFB, more money at stake, payers with tight billing
 * windows, low model confidence (a human is needed sooner) and a near or past due date all add points.
 * An administrator can change the weights; every stored priority is recomputed when they do.
 */
export const PriorityFormulaSchema = z
  .object({
    perDnfbDay: z.number().min(0).max(100).default(1),
    maxDnfbDays: z.number().int().min(1).max(3650).default(90),
    /** Points per $1,000 of estimated DRG impact (only where a grouper estimate exists). */
    perThousandDrgImpact: z.number().min(0).max(100).default(2),
    maxDrgImpactPoints: z.number().min(0).max(1000).default(40),
    payerPoints: z.record(z.string(), z.number().min(-100).max(100)).default({ Medicare: 10, Medicaid: 6, Commercial: 8, 'Managed care': 7, 'Self-pay': 0 }),
    /** Points × (1 − confidence); an encounter the model has not seen counts as confidence 0. */
    lowConfidencePoints: z.number().min(0).max(100).default(25),
    dueSoonDays: z.number().int().min(0).max(60).default(3),
    dueSoonPoints: z.number().min(0).max(1000).default(30),
    overduePoints: z.number().min(0).max(1000).default(60),
  })
  .strict();
export type PriorityFormula = z.infer<typeof PriorityFormulaSchema>;
export const DEFAULT_FORMULA: PriorityFormula = PriorityFormulaSchema.parse({});

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
