import { describe, expect, it } from 'vitest';
import type { OpenedSeries } from '../../../../preload/contract';
import { EMPTY_FORM, inputOf, shortcutOf } from './verifyForm';

const key = (code: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({ code, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });

describe('verify panel keys', () => {
  it('maps Alt+V/N/X, Alt+1…5, Alt+F and Ctrl/⌘+Enter', () => {
    expect(shortcutOf(key('KeyV', { altKey: true }))).toEqual({ kind: 'verdict', verdict: 'verified' });
    expect(shortcutOf(key('KeyN', { altKey: true }))).toEqual({ kind: 'verdict', verdict: 'needs_review' });
    expect(shortcutOf(key('KeyX', { altKey: true }))).toEqual({ kind: 'verdict', verdict: 'rejected' });
    expect(shortcutOf(key('Digit4', { altKey: true }))).toEqual({ kind: 'confidence', value: 4 });
    expect(shortcutOf(key('KeyF', { altKey: true }))).toEqual({ kind: 'findings' });
    expect(shortcutOf(key('Enter', { ctrlKey: true }))).toEqual({ kind: 'save' });
    expect(shortcutOf(key('Enter', { metaKey: true }))).toEqual({ kind: 'save' });
  });

  it("leaves the viewer's plain letters and digits, the app's Ctrl+digit and other Alt keys alone", () => {
    for (const k of [key('KeyV'), key('Digit1'), key('ArrowUp'), key('Digit1', { ctrlKey: true }), key('Digit6', { altKey: true }), key('KeyV', { altKey: true, shiftKey: true }), key('Enter')]) {
      expect(shortcutOf(k)).toBeNull();
    }
  });
});

describe('the save request', () => {
  const series = {
    study: { instanceUid: '1.2.3', date: null, description: '', accession: null },
    series: { instanceUid: '1.2.3.4', number: 1, description: '' },
    source: { kind: 'healthimaging', datastoreId: 'a'.repeat(32), imageSetId: 'b'.repeat(32) },
  } as OpenedSeries;

  it('needs a verdict, names the image set of a HealthImaging series, and drops an empty location', () => {
    expect(inputOf(series, EMPTY_FORM)).toBeNull();
    expect(inputOf(series, { ...EMPTY_FORM, verdict: 'verified', location: '  ' })).toEqual({
      subject: { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', datastoreId: 'a'.repeat(32), imageSetId: 'b'.repeat(32) },
      verdict: 'verified',
      findings: '',
      labels: [],
      laterality: null,
      location: null,
      confidence: 3,
    });
    const local = { ...series, source: { kind: 'local' as const } };
    expect(inputOf(local, { ...EMPTY_FORM, verdict: 'rejected' })?.subject).toMatchObject({ datastoreId: null, imageSetId: null });
  });
});
