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
  private readonly vocabIndex = new Map<string, number>();
  private readonly codeIndex = new Map<string, number>();
  private readonly totals: Float64Array;
  /** Candidate index per minimum coverage (see `required`). */
  private readonly requiredIndex = new Map<number, { offsets: Int32Array; codes: Int32Array }>();
  /** Per-call scratch: when each code was last examined (call number), so nothing is cleared per call. */
  private readonly seenAt: Int32Array;
  private calls = 0;
  private sentenceWeights: Float64Array | undefined;
  private rankScratch: { at: Int32Array; stamp: Int32Array } | undefined;

  constructor(readonly state: MatcherState) {
    state.vocab.forEach((v, i) => this.vocabIndex.set(v, i));
    state.codes.forEach((c, i) => this.codeIndex.set(c, i));
    this.totals = new Float64Array(state.codes.length);
    for (let c = 0; c < state.codes.length; c++) {
      for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) this.totals[c]! += state.weights[state.terms[k]!] ?? 0;
    }
    this.seenAt = new Int32Array(state.codes.length);
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
    // Present stems in a fixed order (positive first occurrences, then negated-only); a code's weights
    // are summed in this order so that scores do not depend on the candidate index below.
    const call = ++this.calls;
    const rank = (this.rankScratch ??= { at: new Int32Array(state.vocab.length), stamp: new Int32Array(state.vocab.length) });
    const present: number[] = [...positive.keys()];
    for (const id of negated) if (!positive.has(id)) present.push(id);
    present.forEach((id, i) => {
      rank.at[id] = i;
      rank.stamp[id] = call;
    });
    // Candidates: only codes with one of their required stems present can reach minCoverage.
    const required = this.required(minCoverage);
    const candidates: number[] = [];
    for (const id of present) {
      for (let k = required.offsets[id]!; k < required.offsets[id + 1]!; k++) {
        const c = required.codes[k]!;
        if (this.seenAt[c] === call) continue;
        this.seenAt[c] = call;
        candidates.push(c);
      }
    }
    const passing: [number, number, number][] = [];
    const found: number[] = [];
    for (const c of candidates) {
      found.length = 0;
      for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) {
        const id = state.terms[k]!;
        if (rank.stamp[id] === call) found.push(id);
      }
      // Insertion sort by rank: a handful of stems, and Array#sort would allocate for each of thousands of codes.
      for (let i = 1; i < found.length; i++) {
        const id = found[i]!;
        let j = i - 1;
        while (j >= 0 && rank.at[found[j]!]! > rank.at[id]!) {
          found[j + 1] = found[j]!;
          j--;
        }
        found[j + 1] = id;
      }
      let w = 0;
      let p = 0;
      for (const id of found) {
        const weight = state.weights[id] ?? 0;
        w += weight;
        if (positive.has(id)) p += weight;
      }
      const total = this.totals[c]!;
      if (total > 0 && w / total >= minCoverage) passing.push([c, w, p / total]);
    }
    // Sentence-level detail only for the codes that could make the cut (positive coverage bounds it).
    passing.sort((a, b) => b[2] - a[2] || a[0] - b[0]);
    const results: MatchResult[] = [];
    for (const [c, w] of passing.slice(0, limit * 2)) {
      const total = this.totals[c]!;
      // Best single sentence by positive weight (the heaviest; the first of equals).
      const sentenceWeight = this.sentenceScratch(analyzed.sentenceCount);
      const sentences: number[] = [];
      let posAnywhere = 0;
      for (let k = state.offsets[c]!; k < state.offsets[c + 1]!; k++) {
        const id = state.terms[k]!;
        const bySentence = positive.get(id);
        if (!bySentence) continue;
        const weight = state.weights[id] ?? 0;
        posAnywhere += weight;
        for (const s of bySentence.keys()) {
          if (sentenceWeight[s] === 0) sentences.push(s);
          sentenceWeight[s]! += weight;
        }
      }
      let best = -1;
      let bestW = 0;
      for (const s of sentences) {
        const sw = sentenceWeight[s]!;
        sentenceWeight[s] = 0;
        if (sw > bestW || (sw === bestW && s < best)) [best, bestW] = [s, sw];
      }
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

  /**
   * Stem -> codes for which the stem is "required": each code's heaviest stems, enough of them that the
   * rest weigh less than `minCoverage` of the description. A code none of whose required stems occurs
   * cannot reach `minCoverage`, so only these postings are walked (not every code sharing "left").
   */
  private required(minCoverage: number): { offsets: Int32Array; codes: Int32Array } {
    const cached = this.requiredIndex.get(minCoverage);
    if (cached) return cached;
    const { state } = this;
    const lists: number[][] = state.vocab.map(() => []);
    for (let c = 0; c < state.codes.length; c++) {
      const total = this.totals[c]!;
      if (!(total > 0)) continue;
      const ids = state.terms.slice(state.offsets[c]!, state.offsets[c + 1]!).sort((x, y) => (state.weights[y] ?? 0) - (state.weights[x] ?? 0) || x - y);
      // A margin keeps float rounding in the sums from dropping a code exactly at the cut.
      const limit = minCoverage * total - 1e-9 * total;
      let rest = total;
      for (const id of ids) {
        lists[id]!.push(c);
        rest -= state.weights[id] ?? 0;
        if (rest < limit) break;
      }
    }
    const offsets = new Int32Array(lists.length + 1);
    lists.forEach((l, i) => (offsets[i + 1] = offsets[i]! + l.length));
    const codes = new Int32Array(offsets[lists.length]!);
    lists.forEach((l, i) => codes.set(l, offsets[i]!));
    const index = { offsets, codes };
    this.requiredIndex.set(minCoverage, index);
    return index;
  }

  private sentenceScratch(sentences: number): Float64Array {
    if (!this.sentenceWeights || this.sentenceWeights.length < sentences) this.sentenceWeights = new Float64Array(Math.max(sentences, 256));
    return this.sentenceWeights;
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
