import { describe, expect, it } from 'vitest';
import type { CodingDraft } from '../../../preload/contract';
import { coded, decide, move, moveTo, setAdmitting, setPrincipal, submitBlocker } from './draftModel';

describe('coding draft model', () => {
  it('makes the first accepted diagnosis principal, and one principal only', () => {
    let d = decide({ codes: [] }, { code: '0DTJ4ZZ', system: 'ICD-10-PCS', decision: 'added' });
    expect(d.codes[0]?.principal).toBeUndefined();
    d = decide(d, { code: 'J18.9', system: 'ICD-10-CM', decision: 'accepted' });
    d = decide(d, { code: 'E11.9', system: 'ICD-10-CM', decision: 'added' });
    expect(coded(d).map((c) => c.code)).toEqual(['J18.9', '0DTJ4ZZ', 'E11.9']);
    d = setPrincipal(d, 'E11.9');
    expect(d.codes.filter((c) => c.principal).map((c) => c.code)).toEqual(['E11.9']);
    expect(submitBlocker(d)).toBeNull();
  });

  it('rejecting the principal leaves the draft unsubmittable until another is chosen', () => {
    let d = decide({ codes: [] }, { code: 'J18.9', system: 'ICD-10-CM', decision: 'accepted' });
    d = decide(d, { code: 'J18.9', system: 'ICD-10-CM', decision: 'rejected', reason: 'Ruled out' });
    expect(submitBlocker(d)).toBe('Code at least one diagnosis');
    d = decide(d, { code: 'I10', system: 'ICD-10-CM', decision: 'added' });
    expect(submitBlocker(d)).toBeNull();
  });

  it('reorders within bounds', () => {
    const d = { codes: [{ code: 'A', system: 'ICD-10-CM' as const, decision: 'added' as const }, { code: 'B', system: 'ICD-10-CM' as const, decision: 'added' as const }] };
    expect(move(d, 'B', -1).codes.map((c) => c.code)).toEqual(['B', 'A']);
    expect(move(d, 'A', -1)).toBe(d);
  });

  it('sequences the claim: the first diagnosis is the principal, by drag or by one place', () => {
    const add = (code: string, system: 'ICD-10-CM' | 'ICD-10-PCS' = 'ICD-10-CM') => ({ code, system, decision: 'added' as const });
    let d: CodingDraft = { codes: [{ ...add('J18.9'), principal: true }, add('0DTJ4ZZ', 'ICD-10-PCS'), add('E11.9'), { ...add('R50.9'), decision: 'rejected' as const }] };
    const order = (x: CodingDraft) => coded(x).map((c) => `${c.code}${c.principal ? '*' : ''}`);
    // A secondary dragged above the principal becomes the principal; the old one is the first secondary.
    d = moveTo(d, 'E11.9', 'J18.9');
    expect(order(d)).toEqual(['E11.9*', 'J18.9', '0DTJ4ZZ']);
    // The principal moved down hands over to the diagnosis now first; a procedure never becomes principal.
    d = move(d, 'E11.9', 1);
    expect(order(d)).toEqual(['J18.9*', 'E11.9', '0DTJ4ZZ']);
    d = move(d, '0DTJ4ZZ', -1);
    expect(order(d)).toEqual(['J18.9*', '0DTJ4ZZ', 'E11.9']);
    expect(move(d, '0DTJ4ZZ', -1).codes.filter((c) => c.principal).map((c) => c.code)).toEqual(['J18.9']);
    // Rejections stay in the draft; moves past either end change nothing.
    expect(d.codes.map((c) => c.code)).toContain('R50.9');
    expect(move(d, 'E11.9', 1)).toBe(d);
    // No principal chosen yet: sequencing does not choose one.
    expect(move({ codes: [add('A'), add('B')] }, 'B', -1).codes.some((c) => c.principal)).toBe(false);
  });

  it('drags one entry onto another, and marks one admitting diagnosis', () => {
    const add = (code: string) => ({ code, system: 'ICD-10-CM' as const, decision: 'added' as const });
    const d = { codes: [add('A'), add('B'), add('C')] };
    expect(moveTo(d, 'C', 'A').codes.map((c) => c.code)).toEqual(['C', 'A', 'B']);
    expect(moveTo(d, 'A', 'C').codes.map((c) => c.code)).toEqual(['B', 'C', 'A']);
    expect(moveTo(d, 'A', 'missing')).toBe(d);
    const admitted = setAdmitting(setAdmitting(d, 'A'), 'B');
    expect(admitted.codes.filter((c) => c.admitting).map((c) => c.code)).toEqual(['B']);
    expect(setAdmitting(admitted, 'B').codes.some((c) => c.admitting)).toBe(false);
  });
});
