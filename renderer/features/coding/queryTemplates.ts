/**
 * Physician query templates: compliant, non-leading questions a coder sends when the documentation is
 * unclear. Each is filled with the encounter's context and stays editable before sending; the text sent
 * is stored with the encounter's query state (the reason of `worklist.hold` with kind `query`).
 */

export interface QueryContext {
  readonly encounterId: string;
  readonly age: number | null;
  readonly sex: string | null;
  readonly admitDate: string;
  readonly dischargeDate: string;
  /** The code the question is about (the selected suggestion or coded entry), when there is one. */
  readonly code: string | null;
  /** A short excerpt of the documentation in question (the code's first evidence span). */
  readonly excerpt: string | null;
}

export interface QueryTemplate {
  readonly id: 'clinical-validation' | 'specificity' | 'poa';
  readonly title: string;
  fill(ctx: QueryContext): string;
}

/** Reasons are stored in the store with a 2,000-character limit (the contract's). */
export const MAX_QUERY_LENGTH = 2_000;

function header(ctx: QueryContext): string {
  const who = [ctx.age === null ? null : `${ctx.age}-year-old`, ctx.sex === 'F' ? 'female' : ctx.sex === 'M' ? 'male' : null].filter(Boolean).join(' ') || 'patient';
  return `Encounter ${ctx.encounterId}, ${who}, admitted ${ctx.admitDate.slice(0, 10)}, discharged ${ctx.dischargeDate.slice(0, 10)}.`;
}
const quoted = (ctx: QueryContext) => (ctx.excerpt ? `The record states: “${ctx.excerpt.trim().slice(0, 300)}”.` : 'Please see the documentation of this stay.');
const about = (ctx: QueryContext) => (ctx.code ? ` (considered: ${ctx.code})` : '');

export const QUERY_TEMPLATES: readonly QueryTemplate[] = [
  {
    id: 'clinical-validation',
    title: 'Clinical validation',
    fill: (ctx) =>
      `${header(ctx)}\n${quoted(ctx)}\nThe clinical indicators documented do not clearly support this diagnosis${about(ctx)}. Based on your clinical judgement, please document whether the diagnosis is: confirmed (with supporting indicators), ruled out, or unable to determine.`,
  },
  {
    id: 'specificity',
    title: 'Specificity',
    fill: (ctx) =>
      `${header(ctx)}\n${quoted(ctx)}\nPlease clarify the diagnosis${about(ctx)} with more specificity where clinically appropriate (type, acuity, cause or organism, laterality, stage), or document that it cannot be further specified.`,
  },
  {
    id: 'poa',
    title: 'Present on admission',
    fill: (ctx) =>
      `${header(ctx)}\n${quoted(ctx)}\nPlease clarify whether this condition${about(ctx)} was present at the time the order for inpatient admission occurred: yes, no, clinically undetermined, or unable to determine from the documentation.`,
  },
];

export function fillQuery(id: QueryTemplate['id'], ctx: QueryContext): string {
  const template = QUERY_TEMPLATES.find((t) => t.id === id) ?? (QUERY_TEMPLATES[0] as QueryTemplate);
  return template.fill(ctx).slice(0, MAX_QUERY_LENGTH);
}
