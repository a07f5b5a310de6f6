import type { OpenedSeries, Verdict, Verification, VerificationInput } from '../../../../preload/contract';

export type Laterality = NonNullable<VerificationInput['laterality']>;

/** What the panel edits; `verdict` is null until the radiologist picks one. */
export interface VerifyForm {
  readonly verdict: Verdict | null;
  readonly findings: string;
  readonly labels: readonly string[];
  readonly laterality: Laterality | null;
  readonly location: string;
  readonly confidence: number;
}

export const EMPTY_FORM: VerifyForm = { verdict: null, findings: '', labels: [], laterality: null, location: '', confidence: 3 };

export const VERDICTS: readonly { value: Verdict; label: string; key: string }[] = [
  { value: 'verified', label: 'Verified', key: 'V' },
  { value: 'needs_review', label: 'Needs review', key: 'N' },
  { value: 'rejected', label: 'Rejected', key: 'X' },
];

export const LATERALITIES: readonly { value: Laterality; label: string }[] = [
  { value: 'left', label: 'Left' },
  { value: 'right', label: 'Right' },
  { value: 'bilateral', label: 'Bilateral' },
  { value: 'midline', label: 'Midline' },
  { value: 'not_applicable', label: 'Not applicable' },
];

export function formOf(v: Verification): VerifyForm {
  return { verdict: v.verdict, findings: v.findings, labels: v.labels, laterality: v.laterality, location: v.location ?? '', confidence: v.confidence };
}

/** The save request for a series; null while no verdict is chosen. */
export function inputOf(series: OpenedSeries, form: VerifyForm): VerificationInput | null {
  if (form.verdict === null) return null;
  const fromHealthImaging = series.source.kind === 'healthimaging';
  return {
    subject: {
      studyInstanceUid: series.study.instanceUid,
      seriesInstanceUid: series.series.instanceUid,
      datastoreId: fromHealthImaging ? (series.source.datastoreId ?? null) : null,
      imageSetId: fromHealthImaging ? (series.source.imageSetId ?? null) : null,
    },
    verdict: form.verdict,
    findings: form.findings,
    labels: [...form.labels],
    laterality: form.laterality,
    location: form.location.trim() === '' ? null : form.location.trim(),
    confidence: form.confidence,
  };
}

export type ShortcutAction = { kind: 'verdict'; verdict: Verdict } | { kind: 'confidence'; value: number } | { kind: 'findings' } | { kind: 'save' };

/**
 * The panel's keys. The viewer takes plain letters, digits and arrows, and the app Ctrl+K and
 * Ctrl+1…4, so the panel uses Alt: Alt+V/N/X verdict, Alt+1…5 confidence, Alt+F findings, and
 * Ctrl+Enter (⌘+Enter) saves. Physical key codes, so Alt+letter works on layouts where Alt types a symbol.
 */
export function shortcutOf(e: { code: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): ShortcutAction | null {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.code === 'Enter') return { kind: 'save' };
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const verdict = VERDICTS.find((v) => e.code === `Key${v.key}`);
  if (verdict) return { kind: 'verdict', verdict: verdict.value };
  if (e.code === 'KeyF') return { kind: 'findings' };
  const digit = /^Digit([1-5])$/.exec(e.code);
  return digit ? { kind: 'confidence', value: Number(digit[1]) } : null;
}

/** Where the saved verification stands, in words for the status line. */
export function stateText(v: Verification | null): string {
  if (!v) return 'Not verified yet';
  switch (v.state) {
    case 'pending':
      return `Saved on this station (version ${v.version}), waiting to sync`;
    case 'synced':
      return `In the warehouse (version ${v.version}); event not sent yet${v.eventError ? `: ${v.eventError}` : ''}`;
    case 'published':
      return `Synced (version ${v.version}); ImageVerified event published`;
    case 'rejected':
      return 'The warehouse refused this verification; it is in Sync › dead letters. Save again to send a new one.';
  }
}
