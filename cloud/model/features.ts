/**
 * Sparse TF-IDF features over normalised tokens: unigrams and bigrams of stems, with negated words
 * kept apart ("!pneumonia") so a negated finding never looks like a present one.
 */
import { STOPWORDS, type AnalyzedText } from './text.js';

export interface SparseVector {
  readonly idx: Int32Array;
  readonly val: Float32Array;
}

/** The feature strings of a note, with counts. */
export function featureCounts(analyzed: AnalyzedText): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  const toks = analyzed.tokens;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (STOPWORDS.has(t.stem) || t.stem.length < 2) continue;
    if (/^\d+$/.test(t.stem)) continue;
    add(t.negated ? `!${t.stem}` : t.stem);
    const n = toks[i + 1];
    if (n && n.sentence === t.sentence && !STOPWORDS.has(n.stem) && !/^\d+$/.test(n.stem) && !t.negated && !n.negated) add(`${t.stem} ${n.stem}`);
  }
  return counts;
}

export interface VectorizerState {
  /** Feature strings in index order. */
  readonly terms: readonly string[];
  readonly idf: readonly number[];
}

export class Vectorizer {
  private readonly index = new Map<string, number>();

  constructor(readonly state: VectorizerState) {
    state.terms.forEach((t, i) => this.index.set(t, i));
  }

  /** Learns the vocabulary (terms in at least `minDf` documents) and smoothed IDF. */
  static fit(docs: readonly Map<string, number>[], minDf = 2): Vectorizer {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const terms = [...df.entries()].filter(([, n]) => n >= minDf).map(([t]) => t).sort();
    const n = docs.length;
    const idf = terms.map((t) => Math.round((Math.log((n + 1) / ((df.get(t) ?? 0) + 1)) + 1) * 1e4) / 1e4);
    return new Vectorizer({ terms, idf });
  }

  termIndex(term: string): number | undefined {
    return this.index.get(term);
  }

  /** Sublinear TF times IDF, L2-normalised, indices ascending. */
  transform(counts: Map<string, number>): SparseVector {
    const pairs: [number, number][] = [];
    for (const [t, c] of counts) {
      const i = this.index.get(t);
      if (i === undefined) continue;
      pairs.push([i, (1 + Math.log(c)) * (this.state.idf[i] ?? 0)]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of pairs) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return { idx: Int32Array.from(pairs.map((p) => p[0])), val: Float32Array.from(pairs.map((p) => p[1] / norm)) };
  }
}
