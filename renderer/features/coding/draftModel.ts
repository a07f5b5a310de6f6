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

/** Moves a coded entry to where another one is (drag and drop in the coded list). */
export function moveTo(draft: CodingDraft, code: string, target: string): CodingDraft {
  const from = draft.codes.findIndex((c) => c.code === code);
  const to = draft.codes.findIndex((c) => c.code === target);
  if (from < 0 || to < 0 || from === to) return draft;
  const codes = [...draft.codes];
  const [moved] = codes.splice(from, 1);
  codes.splice(to, 0, moved as CodeDecision);
  return { ...draft, codes };
}

/** Marks the admitting diagnosis (at most one; the same code again clears it). */
export function setAdmitting(draft: CodingDraft, code: string): CodingDraft {
  const already = draft.codes.find((c) => c.code === code)?.admitting === true;
  return { ...draft, codes: draft.codes.map((c) => ({ ...c, admitting: !already && c.code === code })) };
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
