/**
 * Description matcher: finds ICD-10-CM codes whose description words occur, not negated, within one
 * sentence of the note. It covers codes the training notes never show and supplies evidence spans.
 */
import { STOPWORDS, analyze, type AnalyzedText, type Token } from './text.js';

export interface MatcherState {
  /** Code keys (lower case, no dot), in the order `terms` follows. */
  readonly codes: readonly string[];
  /** Stem vocabulary. */
  readonly vocab: readonly string[];
  /** Weight of each stem (IDF from the training notes; unseen stems weigh most). */
  readonly weights: readonly number[];
  /** Concatenated stem ids of each code's description, delimited by `offsets` (codes.length + 1). */
  readonly terms: readonly number[];
  readonly offsets: readonly number[];
}

export interface DescriptionInput {
  readonly code: string;
  readonly description: string;
}

/** Content stems of a code description, dropping generic qualifiers ("unspecified organism"). */
export function descriptionStems(description: string): string[] {
  const out: string[] = [];
  let skipNext = false;
  for (const t of analyze(description).tokens) {
    const s = t.stem;
    if (skipNext) {
      skipNext = false;
      if (!STOPWORDS.has(s)) continue;
    }
    if (s === 'unspecified' || s === 'without' || s === 'other') {
      skipNext = true;
      continue;
    }
    if (STOPWORDS.has(s) || s.length < 2) continue;
    if (!out.includes(s)) out.push(s);
  }
  return out;
}

export interface MatchResult {
  readonly code: string;
  /** Share of the description's weight found positively in the best sentence (0..1). */
  readonly coverage: number;
  /** Share of the weight found anywhere in the note, negated or not. */
  readonly anyCoverage: number;
  /** Share found only inside negated scopes. */
  readonly negatedCoverage: number;
  /** Tokens that matched (positive occurrences) in the best sentence. */
  readonly tokens: readonly Token[];
}

export class DescriptionMatcher {
  private readonly postings = new Map<number, number[]>();
  private readonly vocabIndex = new Map<string, number>();
  private readonly codeIndex = new Map<string, number>();
  private readonly totals: Float64Array;
  private scratch: Float64Array | undefined;
  private scratchPositive: Float64Array | undefined;

  constructor(readonly state: MatcherState) {
    state.vocab.forEach((v, i) => this.vocabIndex.set(v, i));
    state.codes.forEach((c, i) => this.codeIndex.set(c, i));
    this.totals = new Float64Array(state.codes.length);
    for (let c = 0; c < state.codes.length; c++) {
      for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) {
        const t = state.terms[k]!;
        this.totals[c]! += state.weights[t] ?? 0;
        const list = this.postings.get(t);
        if (list) list.push(c);
        else this.postings.set(t, [c]);
      }
    }
  }

  /** Builds the index; `stemDf` gives each stem's document frequency among `docCount` training notes. */
  static build(descriptions: readonly DescriptionInput[], stemDf: ReadonlyMap<string, number>, docCount: number): DescriptionMatcher {
    const vocab: string[] = [];
    const vocabIndex = new Map<string, number>();
    const codes: string[] = [];
    const terms: number[] = [];
    const offsets: number[] = [0];
    for (const d of descriptions) {
      const stems = descriptionStems(d.description);
      if (stems.length === 0) continue;
      codes.push(d.code.replace(/\./g, '').toLowerCase());
      for (const s of stems) {
        let i = vocabIndex.get(s);
        if (i === undefined) {
          i = vocab.length;
          vocab.push(s);
          vocabIndex.set(s, i);
        }
        terms.push(i);
      }
      offsets.push(terms.length);
    }
    const weights = vocab.map((s) => Math.round(Math.log((docCount + 1) / ((stemDf.get(s) ?? 0) + 1)) * 1000 + 1000) / 1000);
    return new DescriptionMatcher({ codes, vocab, weights, terms, offsets });
  }

  /** Codes whose description is at least `minCoverage` present (positively) in one sentence. */
  match(analyzed: AnalyzedText, minCoverage = 0.5, limit = 200): MatchResult[] {
    const { state } = this;
    // Per stem id: the sentences with positive occurrences, and whether it occurs negated.
    const positive = new Map<number, Map<number, Token[]>>();
    const negated = new Set<number>();
    for (const t of analyzed.tokens) {
      const id = this.vocabIndex.get(t.stem);
      if (id === undefined) continue;
      if (t.negated) {
        negated.add(id);
        continue;
      }
      let bySentence = positive.get(id);
      if (!bySentence) positive.set(id, (bySentence = new Map()));
      const list = bySentence.get(t.sentence);
      if (list) list.push(t);
      else bySentence.set(t.sentence, [t]);
    }
    // Candidate codes: any description stem present (weight found anywhere).
    const acc = (this.scratch ??= new Float64Array(state.codes.length));
    const pos = (this.scratchPositive ??= new Float64Array(state.codes.length));
    const touched: number[] = [];
    const present = new Set<number>([...positive.keys(), ...negated]);
    for (const id of present) {
      const w = state.weights[id] ?? 0;
      const isPositive = positive.has(id);
      for (const c of this.postings.get(id) ?? []) {
        if (acc[c] === 0) touched.push(c);
        acc[c]! += w;
        if (isPositive) pos[c]! += w;
      }
    }
    const passing: [number, number, number][] = [];
    for (const c of touched) {
      const w = acc[c]!;
      const p = pos[c]!;
      acc[c] = 0;
      pos[c] = 0;
      const total = this.totals[c]!;
      if (total > 0 && w / total >= minCoverage) passing.push([c, w, p / total]);
    }
    // Sentence-level detail only for the codes that could make the cut (positive coverage bounds it).
    passing.sort((a, b) => b[2] - a[2] || a[0] - b[0]);
    const results: MatchResult[] = [];
    for (const [c, w] of passing.slice(0, limit * 2)) {
      const total = this.totals[c]!;
      // Best single sentence by positive weight.
      const sentenceWeight = new Map<number, number>();
      let posAnywhere = 0;
      for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) {
        const id = state.terms[k]!;
        const bySentence = positive.get(id);
        if (!bySentence) continue;
        posAnywhere += state.weights[id] ?? 0;
        for (const s of bySentence.keys()) sentenceWeight.set(s, (sentenceWeight.get(s) ?? 0) + (state.weights[id] ?? 0));
      }
      let best = -1;
      let bestW = 0;
      for (const [s, sw] of sentenceWeight) if (sw > bestW || (sw === bestW && s < best)) [best, bestW] = [s, sw];
      const tokens: Token[] = [];
      if (best >= 0) {
        for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) tokens.push(...(positive.get(state.terms[k]!)?.get(best) ?? []));
      }
      results.push({
        code: state.codes[c]!,
        coverage: bestW / total,
        anyCoverage: w / total,
        negatedCoverage: Math.max(0, (w - posAnywhere) / total),
        tokens,
      });
    }
    results.sort((a, b) => b.coverage - a.coverage || b.anyCoverage - a.anyCoverage || (a.code < b.code ? -1 : 1));
    return results.slice(0, limit);
  }

  has(code: string): boolean {
    return this.codeIndex.has(code);
  }

  /** The description stems of one code (for evidence of suggestions from other members). */
  stemsOf(code: string): string[] {
    const i = this.codeIndex.get(code);
    if (i === undefined) return [];
    const out: string[] = [];
    for (let k = this.state.offsets[i]!; k < this.state.offsets[i + 1]!; k++) out.push(this.state.vocab[this.state.terms[k]!]!);
    return out;
  }
}
