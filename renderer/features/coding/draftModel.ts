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

/**
 * Resequences the claim: `code` moves to position `to` of the coded list as shown (principal first).
 * The claim's first diagnosis is its principal, so a diagnosis moved above the principal becomes the
 * principal, and a principal moved down hands that role to the diagnosis now first. A draft with no
 * principal yet keeps none: choosing one is the coder's call.
 */
function resequence(draft: CodingDraft, code: string, to: number): CodingDraft {
  const shown = coded(draft);
  const from = shown.findIndex((c) => c.code === code);
  if (from < 0 || to < 0 || to >= shown.length || from === to) return draft;
  const [moved] = shown.splice(from, 1);
  shown.splice(to, 0, moved as CodeDecision);
  const rejected = draft.codes.filter((c) => c.decision === 'rejected');
  const next = { ...draft, codes: [...shown, ...rejected] };
  const first = shown.find((c) => c.system === 'ICD-10-CM');
  return first && shown.some((c) => c.principal) ? setPrincipal(next, first.code) : next;
}

/** Moves a coded entry up or down one place (buttons, Alt+↑/↓). */
export function move(draft: CodingDraft, code: string, by: -1 | 1): CodingDraft {
  return resequence(draft, code, coded(draft).findIndex((c) => c.code === code) + by);
}

/** Moves a coded entry to where another one is (drag and drop in the coded list). */
export function moveTo(draft: CodingDraft, code: string, target: string): CodingDraft {
  const to = coded(draft).findIndex((c) => c.code === target);
  return to < 0 ? draft : resequence(draft, code, to);
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
