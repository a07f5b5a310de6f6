import type { CodingDraft, EncounterDetail } from '../../../preload/contract';

export type CodeDecision = CodingDraft['codes'][number];
export type Suggestion = EncounterDetail['suggestions'][number];

/** The coder's decision on a suggested code, if any. */
export function decisionFor(draft: CodingDraft, code: string): CodeDecision | undefined {
  return draft.codes.find((c) => c.code === code);
}

/** Accept, reject or add a code; a second decision on the same code replaces the first. */
export function decide(draft: CodingDraft, decision: CodeDecision): CodingDraft {
  const rest = draft.codes.filter((c) => c.code !== decision.code);
  const codes = [...rest, decision];
  // The first accepted diagnosis becomes principal until the coder picks another.
  if (decision.decision !== 'rejected' && decision.system === 'ICD-10-CM' && !codes.some((c) => c.principal)) {
    return setPrincipal({ ...draft, codes }, decision.code);
  }
  return { ...draft, codes: decision.decision === 'rejected' ? codes.map((c) => (c.code === decision.code ? { ...c, principal: false } : c)) : codes };
}

export function remove(draft: CodingDraft, code: string): CodingDraft {
  return { ...draft, codes: draft.codes.filter((c) => c.code !== code) };
}

export function setPrincipal(draft: CodingDraft, code: string): CodingDraft {
  return { ...draft, codes: draft.codes.map((c) => ({ ...c, principal: c.code === code })) };
}

export function setPoa(draft: CodingDraft, code: string, poa: CodeDecision['poa']): CodingDraft {
  return { ...draft, codes: draft.codes.map((c) => (c.code === code ? { ...c, poa } : c)) };
}

/** Moves a coded entry up or down: sequencing matters on the claim. */
export function move(draft: CodingDraft, code: string, by: -1 | 1): CodingDraft {
  const codes = [...draft.codes];
  const i = codes.findIndex((c) => c.code === code);
  const j = i + by;
  if (i < 0 || j < 0 || j >= codes.length) return draft;
  [codes[i], codes[j]] = [codes[j] as CodeDecision, codes[i] as CodeDecision];
  return { ...draft, codes };
}

/** The codes that go on the claim, in order: accepted and added, principal first. */
export function coded(draft: CodingDraft): CodeDecision[] {
  const kept = draft.codes.filter((c) => c.decision !== 'rejected');
  return [...kept.filter((c) => c.principal), ...kept.filter((c) => !c.principal)];
}

/** Why the draft cannot be submitted yet, or null when it can. */
export function submitBlocker(draft: CodingDraft): string | null {
  const diagnoses = coded(draft).filter((c) => c.system === 'ICD-10-CM');
  if (diagnoses.length === 0) return 'Code at least one diagnosis';
  if (diagnoses.filter((c) => c.principal).length !== 1) return 'Choose exactly one principal diagnosis';
  return null;
}

/** Splits a note into plain and highlighted segments for the given spans (merged, in order). */
export function segments(text: string, spans: readonly { start: number; end: number }[]): { text: string; marked: boolean; start: number }[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, Math.min(text.length, s.start)), end: Math.max(0, Math.min(text.length, s.end)) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const out: { text: string; marked: boolean; start: number }[] = [];
  let at = 0;
  for (const span of sorted) {
    if (span.end <= at) continue;
    const start = Math.max(span.start, at);
    if (start > at) out.push({ text: text.slice(at, start), marked: false, start: at });
    out.push({ text: text.slice(start, span.end), marked: true, start });
    at = span.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), marked: false, start: at });
  return out;
}
