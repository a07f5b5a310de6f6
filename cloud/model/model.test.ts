import { describe, expect, it } from 'vitest';
import { ArtifactError, buildArtifact, loadModel, parseArtifact, serializeArtifact, type ModelCard } from './artifact.js';
import { averagePrecision, codeKey, evaluate, parseGoldTsv } from './metrics.js';
import { CodeModel, trainModel } from './model.js';
import { sha256Hex } from './sha256.js';
import { analyze, stem } from './text.js';
import { TINY_DESCRIPTIONS, TINY_DOCS } from './testFixtures.js';

const state = trainModel({ docs: TINY_DOCS, descriptions: TINY_DESCRIPTIONS, hyperparameters: { folds: 2, k: 5 } });
const model = new CodeModel(state);

function tokenFlags(text: string, word: string) {
  const t = analyze(text).tokens.find((x) => text.slice(x.start, x.end).toLowerCase() === word);
  if (!t) throw new Error(`no token ${word}`);
  return t;
}

describe('text normalisation', () => {
  it('marks negated, uncertain and history-of findings', () => {
    expect(tokenFlags('No evidence of pneumonia on the chest film.', 'pneumonia').negated).toBe(true);
    expect(tokenFlags('Pneumonia was ruled out.', 'pneumonia').negated).toBe(true);
    expect(tokenFlags('The patient denies fever, chills or cough.', 'cough').negated).toBe(true);
    expect(tokenFlags('Right lower lobe pneumonia.', 'pneumonia').negated).toBe(false);
    expect(tokenFlags('No fever. Pneumonia was seen on X-ray.', 'pneumonia').negated).toBe(false);
    expect(tokenFlags('Possible pneumonia in the left base.', 'pneumonia').uncertain).toBe(true);
    expect(tokenFlags('History of hypertension since 2010.', 'hypertension').history).toBe(true);
  });

  it('expands upper-case clinical abbreviations on the same span', () => {
    const text = 'Known HTN and COPD.';
    const stems = analyze(text).tokens.filter((t) => text.slice(t.start, t.end) === 'COPD').map((t) => t.stem);
    expect(stems).toEqual(expect.arrayContaining(['copd', 'chronic', 'obstructive', 'pulmonary', 'disease'].map(stem)));
  });

  it('does not take words named like Object members for abbreviations', () => {
    const text = 'Constructor and ToString reported pneumonia.';
    expect(analyze(text).tokens.map((t) => t.stem)).toEqual(['constructor', 'and', 'tostring', 'reported', 'pneumonia'].map(stem));
  });
});

describe('metrics', () => {
  it('computes average precision and compares codes without case or dots', () => {
    expect(averagePrecision(['a', 'x', 'b'], new Set(['a', 'b']))).toBeCloseTo((1 + 2 / 3) / 2);
    expect(codeKey('J18.9')).toBe(codeKey('j189'));
    const m = evaluate(new Map([['d1', [{ code: 'J18.9', score: 0.9 }, { code: 'R52', score: 0.2 }]]]), parseGoldTsv('d1\tj189\nd1\tr52\n'));
    expect(m.map).toBe(1);
    expect(m.microP).toBe(1);
    expect(m.microR).toBe(0.5);
  });
});

describe('code model', () => {
  it('suggests a present finding with evidence spans into the raw text', () => {
    const text = 'An 80-year-old woman was admitted with bilateral pneumonia and high fever.';
    const p = model.predict(text);
    const j18 = p.codes.find((c) => c.code === 'J18.9');
    expect(j18).toBeDefined();
    expect(j18!.evidence.length).toBeGreaterThan(0);
    expect(j18!.evidence.map(([s, e]) => text.slice(s, e).toLowerCase()).join(' ')).toContain('pneumonia');
    for (const c of p.codes) expect(c.evidence.length).toBeGreaterThan(0);
    const scores = p.codes.map((c) => c.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('gives no positive suggestion for negated findings', () => {
    const text = 'Chest X-ray: no evidence of pneumonia. The patient denies fever. Hypertension treated with enalapril.';
    const codes = model.predict(text).codes.map((c) => c.code);
    expect(codes).not.toContain('J18.9');
    expect(codes).not.toContain('R50.9');
    expect(codes).toContain('I10');
  });

  it('answers bad input with an empty result and a reason, without throwing', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['   \n\t ', /empty/],
      ['fever '.repeat(900_000), /too large/],
      [String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)), /binary/],
      ['El paciente presenta fiebre y tos desde hace tres días, con dolor torácico y disnea progresiva.', /English/],
    ];
    for (const [text, reason] of cases) {
      const p = model.predict(text);
      expect(p.codes).toEqual([]);
      expect(p.reason).toMatch(reason);
    }
  });
});

describe('artifact', () => {
  const card = { name: 't', modelVersion: '1', description: 'test', trainingData: { name: 'tiny', documents: 8, diagnosisCodes: 6, procedureCodes: 2, licence: 'x', attribution: 'x' }, descriptions: 'x', features: [], hyperparameters: state.hyperparameters, limitations: [] } satisfies ModelCard;

  it('is deterministic and round-trips with its checksum', () => {
    const again = trainModel({ docs: [...TINY_DOCS].reverse(), descriptions: TINY_DESCRIPTIONS, hyperparameters: { folds: 2, k: 5 } });
    const a = buildArtifact(state, card);
    expect(buildArtifact(again, card).checksum).toBe(a.checksum);
    const parsed = parseArtifact(serializeArtifact(a));
    expect(loadModel(parsed).predict('pneumonia with fever').codes).toEqual(model.predict('pneumonia with fever').codes);
  });

  it('refuses a tampered artifact', () => {
    const good = serializeArtifact(buildArtifact(state, card));
    const at = good.lastIndexOf('"k":5');
    const text = `${good.slice(0, at)}"k":6${good.slice(at + 5)}`;
    expect(() => parseArtifact(text)).toThrow(ArtifactError);
    expect(() => parseArtifact('{"format":"other"}')).toThrow(ArtifactError);
  });

  it('hashes like SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
