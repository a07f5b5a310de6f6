/**
 * The code suggestion model: a TF-IDF nearest-neighbour vote over the training notes, a description
 * matcher over ICD-10-CM, and a logistic stacker trained on out-of-fold candidates so that its output is
 * a calibrated probability (0.5 = suggest). Every suggestion carries evidence spans into the raw text.
 * Plain TypeScript: no Node APIs (file I/O lives in node.ts).
 */
import { featureCounts, Vectorizer, type SparseVector, type VectorizerState } from './features.js';
import { DescriptionMatcher, type DescriptionInput, type MatcherState, type MatchResult } from './matcher.js';
import { codeKey } from './metrics.js';
import { analyze, englishScore, STOPWORDS, type AnalyzedText, type Token } from './text.js';

export interface TrainingDoc {
  readonly id: string;
  readonly text: string;
  readonly diagnoses: readonly string[];
  readonly procedures: readonly string[];
}

export interface Suggestion {
  /** Display form (ICD-10-CM dotted; ICD-10-PCS as is, upper case). */
  readonly code: string;
  readonly score: number;
  /** [start, end) JavaScript string indices into the raw note text. */
  readonly evidence: readonly (readonly [number, number])[];
  /** Whether the score clears this code's own threshold (0.5 unless learnt otherwise). */
  readonly suggest?: boolean;
}

export interface Prediction {
  readonly codes: readonly Suggestion[];
  readonly procedures: readonly Suggestion[];
  /** Set when the note got no suggestions on purpose (empty, too large, binary, not English). */
  readonly reason?: string;
}

export interface Hyperparameters {
  /** Neighbours in the vote. */
  readonly k: number;
  /** Similarity exponent in the vote. */
  readonly power: number;
  /** Folds for the out-of-fold stacker training. */
  readonly folds: number;
  /** Minimum description coverage for a matcher candidate. */
  readonly minCoverage: number;
  /** Ranked diagnoses returned per note. */
  readonly topN: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = { k: 40, power: 2, folds: 5, minCoverage: 0.6, topN: 60 };

/** Everything the model needs at prediction time; serialised as the artifact's `model` section. */
export interface ModelState {
  readonly hyperparameters: Hyperparameters;
  readonly vectorizer: VectorizerState;
  /** Training notes as sparse vectors: parallel arrays of indices and values. */
  readonly docs: readonly { readonly idx: readonly number[]; readonly val: readonly number[]; readonly dx: readonly number[]; readonly px: readonly number[] }[];
  /** Diagnosis code keys seen in training (index = the numbers in `docs[].dx`). */
  readonly dxCodes: readonly string[];
  readonly pxCodes: readonly string[];
  /** Training frequency of each dx code. */
  readonly dxFreq: readonly number[];
  /** Stems most associated with each dx code in training (evidence for codes the matcher cannot explain). */
  readonly dxTerms: readonly (readonly string[])[];
  readonly matcher: MatcherState;
  /**
   * Term -> code associations learnt from training: for feature `terms[i]`, the codes
   * `codes[offsets[i]..offsets[i+1])` with the number of training notes having both (at least 2).
   */
  readonly assoc: { readonly terms: readonly number[]; readonly offsets: readonly number[]; readonly codes: readonly number[]; readonly counts: readonly number[] };
  /** Training notes containing each feature (positively). */
  readonly termDf: readonly number[];
  /** Stacker weights over `FEATURE_NAMES`, with the standardisation it was trained with. */
  readonly stacker: { readonly weights: readonly number[]; readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Per-code thresholds learnt out of fold: the calibrated score a code needs to be suggested. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Display forms of codes (dotted ICD-10-CM). */
  readonly display: Readonly<Record<string, string>>;
}

export const FEATURE_NAMES = [
  'knn',
  'knnMax',
  'knnCount',
  'prior',
  'coverage',
  'fullMatch',
  'anyCoverage',
  'negatedCoverage',
  'seen',
  'inMatcher',
  'knnXcoverage',
  'matchedAndSeen',
  'knnRank',
  'matchRank',
  'assocMax',
  'assocSecond',
  'assocSupport',
  'categoryPrior',
  'categoryKnn',
  'assocXknn',
  'assocXcoverage',
  'assocSquared',
  'knnSqrt',
  'coverageXseen',
] as const;

/** Smoothing of term -> code confidence: n(term, code) / (n(term) + ASSOC_BETA). */
const ASSOC_BETA = 3;

interface AssocIndex {
  readonly byTerm: Map<number, { codes: number[]; counts: number[] }>;
  readonly df: readonly number[];
}

/** Counts, over the allowed training notes, how often each feature co-occurs with each code. */
function buildAssoc(termSets: readonly (readonly number[])[], docDx: readonly (readonly number[])[], allowed: (doc: number) => boolean, vocabSize: number): AssocIndex {
  const df = new Array<number>(vocabSize).fill(0);
  const pair = new Map<number, Map<number, number>>();
  termSets.forEach((terms, i) => {
    if (!allowed(i)) return;
    for (const t of terms) {
      df[t]!++;
      let m = pair.get(t);
      if (!m) pair.set(t, (m = new Map()));
      for (const c of docDx[i]!) m.set(c, (m.get(c) ?? 0) + 1);
    }
  });
  const byTerm = new Map<number, { codes: number[]; counts: number[] }>();
  for (const t of [...pair.keys()].sort((a, b) => a - b)) {
    const entries = [...pair.get(t)!.entries()].filter(([, n]) => n >= 2).sort((a, b) => a[0] - b[0]);
    if (entries.length > 0) byTerm.set(t, { codes: entries.map((e) => e[0]), counts: entries.map((e) => e[1]) });
  }
  return { byTerm, df };
}

/** The positive (not negated) feature indices of a note. */
function termSet(vectorizer: Vectorizer, counts: Map<string, number>): number[] {
  const out: number[] = [];
  for (const f of counts.keys()) {
    if (f.startsWith('!')) continue;
    const i = vectorizer.termIndex(f);
    if (i !== undefined) out.push(i);
  }
  return out.sort((a, b) => a - b);
}

/** Input limits: beyond these a note gets an empty result with a reason, never a slow or failed call. */
export const MAX_NOTE_CHARS = 1_000_000;
export const MIN_ENGLISH = 0.1;

interface Neighbour {
  readonly doc: number;
  readonly sim: number;
}

interface Candidate {
  readonly code: string;
  readonly features: number[];
  readonly match?: MatchResult;
  /** The feature that most supports the code through learnt associations. */
  readonly assocTerm?: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function round(x: number, d = 4): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** Why a text is refused, or null when it can be scored. */
export function refusalReason(text: string): string | null {
  if (text.trim().length === 0) return 'empty note';
  if (text.length > MAX_NOTE_CHARS) return `note too large (${text.length} characters; the limit is ${MAX_NOTE_CHARS})`;
  const sample = text.slice(0, 50_000);
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) control++;
  }
  if (control / sample.length > 0.02) return 'binary content, not text';
  // Very short notes ("Pneumonia.") carry too few words to judge their language.
  const words = sample.match(/[\p{L}]+/gu)?.length ?? 0;
  if (words >= 8 && englishScore(text) < MIN_ENGLISH) return 'not English text (the model reads English notes)';
  return null;
}

class Scorer {
  readonly vectorizer: Vectorizer;
  readonly matcher: DescriptionMatcher;
  readonly docs: { v: SparseVector; dx: readonly number[]; px: readonly number[] }[];
  readonly dxIndex = new Map<string, number>();

  constructor(readonly state: Omit<ModelState, 'stacker' | 'thresholds'> & Partial<Pick<ModelState, 'stacker' | 'thresholds'>>, matcher?: DescriptionMatcher) {
    this.vectorizer = new Vectorizer(state.vectorizer);
    this.matcher = matcher ?? new DescriptionMatcher(state.matcher);
    this.docs = state.docs.map((d) => ({ v: { idx: Int32Array.from(d.idx), val: Float32Array.from(d.val) }, dx: d.dx, px: d.px }));
    state.dxCodes.forEach((c, i) => this.dxIndex.set(c, i));
    const byTerm = new Map<number, { codes: number[]; counts: number[] }>();
    const a = state.assoc;
    a.terms.forEach((t, i) => byTerm.set(t, { codes: a.codes.slice(a.offsets[i]!, a.offsets[i + 1]!), counts: a.counts.slice(a.offsets[i]!, a.offsets[i + 1]!) }));
    this.assoc = { byTerm, df: state.termDf };
    this.postings = invertedIndex(this.docs.map((d) => d.v), state.vectorizer.terms.length);
  }

  private categoryFrequency(freq: readonly number[]): Map<string, number> {
    let catFreq = this.catFreqCache.get(freq);
    if (!catFreq) {
      catFreq = new Map<string, number>();
      for (let i = 0; i < this.state.dxCodes.length; i++) {
        const f = freq[i] ?? 0;
        const cat = this.state.dxCodes[i]!.slice(0, 3);
        if (f > 0) catFreq.set(cat, (catFreq.get(cat) ?? 0) + f);
      }
      this.catFreqCache.set(freq, catFreq);
    }
    return catFreq;
  }

  readonly assoc: AssocIndex;
  /** Term -> (training note, weight), in note order: the inverted index `neighbours` walks. */
  private readonly postings: { offsets: Int32Array; docs: Int32Array; vals: Float32Array };
  private simScratch: Float64Array | undefined;
  private confScratch: { best: Float64Array; second: Float64Array; term: Int32Array; support: Int32Array; has: Uint8Array } | undefined;
  /** Per-category training frequency, by the `freq` array it was computed from (one per fold, one at prediction). */
  private readonly catFreqCache = new WeakMap<readonly number[], Map<string, number>>();

  /**
   * The k most similar training notes (cosine over TF-IDF). Walks a term -> notes index instead of every
   * note; per note the products are added in ascending term order, exactly as a merge over both vectors.
   */
  neighbours(v: SparseVector, allowed: (doc: number) => boolean): Neighbour[] {
    const { postings } = this;
    const sims = (this.simScratch ??= new Float64Array(this.docs.length));
    const touched: number[] = [];
    for (let i = 0; i < v.idx.length; i++) {
      const t = v.idx[i]!;
      const x = v.val[i]!;
      for (let k = postings.offsets[t]!; k < postings.offsets[t + 1]!; k++) {
        const d = postings.docs[k]!;
        if (sims[d] === 0) touched.push(d);
        sims[d]! += x * postings.vals[k]!;
      }
    }
    const all: Neighbour[] = [];
    for (const doc of touched) {
      const sim = sims[doc]!;
      sims[doc] = 0;
      if (sim > 0 && allowed(doc)) all.push({ doc, sim });
    }
    all.sort((a, b) => b.sim - a.sim || a.doc - b.doc);
    return all.slice(0, this.state.hyperparameters.k);
  }

  /** Candidate diagnoses with their stacker features. `freq` is the training frequency visible to this note. */
  candidates(analyzed: AnalyzedText, terms: readonly number[], assoc: AssocIndex, nbrs: readonly Neighbour[], freq: readonly number[], nDocs: number): Candidate[] {
    const { power, minCoverage } = this.state.hyperparameters;
    // Term -> code confidences: best and second-best supporting feature per code (typed scratch arrays,
    // valid for the codes in `confCodes`; this runs for hundreds of terms per note).
    const conf = (this.confScratch ??= {
      best: new Float64Array(this.state.dxCodes.length),
      second: new Float64Array(this.state.dxCodes.length),
      term: new Int32Array(this.state.dxCodes.length),
      support: new Int32Array(this.state.dxCodes.length),
      has: new Uint8Array(this.state.dxCodes.length),
    });
    const confCodes: number[] = [];
    for (const t of terms) {
      const a = assoc.byTerm.get(t);
      if (!a) continue;
      const nt = assoc.df[t] ?? 0;
      for (let k = 0; k < a.codes.length; k++) {
        const n = a.counts[k]!;
        const c = n / (nt + ASSOC_BETA);
        const code = a.codes[k]!;
        if (!conf.has[code]) {
          conf.has[code] = 1;
          confCodes.push(code);
          conf.best[code] = c;
          conf.second[code] = 0;
          conf.term[code] = t;
          conf.support[code] = n;
        } else if (c > conf.best[code]!) {
          conf.second[code] = conf.best[code]!;
          conf.best[code] = c;
          conf.term[code] = t;
          conf.support[code] = n;
        } else if (c > conf.second[code]!) conf.second[code] = c;
      }
    }
    // The 60 strongest associations (of thousands): selected, not sorted in full.
    const assocTop = topK(confCodes, 60, (x, y) => conf.best[y]! - conf.best[x]! || x - y);
    const catFreq = this.categoryFrequency(freq);
    const vote = new Map<string, { w: number; max: number; count: number }>();
    let total = 0;
    for (const n of nbrs) {
      const w = n.sim ** power;
      total += w;
      for (const c of this.docs[n.doc]!.dx) {
        const code = this.state.dxCodes[c]!;
        const e = vote.get(code) ?? { w: 0, max: 0, count: 0 };
        e.w += w;
        e.max = Math.max(e.max, n.sim);
        e.count++;
        vote.set(code, e);
      }
    }
    const knnRanked = [...vote.entries()].sort((a, b) => b[1].w - a[1].w || (a[0] < b[0] ? -1 : 1));
    const knnRank = new Map(knnRanked.map(([c], i) => [c, i]));
    const matches = this.matcher.match(analyzed, minCoverage, 150);
    const matchByCode = new Map(matches.map((m, i) => [m.code, { m, rank: i }]));
    const codes = new Set<string>([
      ...knnRanked.slice(0, 60).map(([c]) => c),
      ...matches.map((m) => m.code),
      ...assocTop.map((c) => this.state.dxCodes[c]!),
    ]);
    const catVote = new Map<string, number>();
    for (const [c, e] of vote) catVote.set(c.slice(0, 3), (catVote.get(c.slice(0, 3)) ?? 0) + e.w);
    const logN = Math.log(nDocs + 1);
    const out: Candidate[] = [];
    for (const code of [...codes].sort()) {
      const v = vote.get(code);
      const mm = matchByCode.get(code);
      const idx = this.dxIndex.get(code);
      const f = idx === undefined ? 0 : (freq[idx] ?? 0);
      const knn = v && total > 0 ? v.w / total : 0;
      const coverage = mm ? mm.m.coverage : 0;
      const as = idx !== undefined && conf.has[idx] ? { best: conf.best[idx]!, second: conf.second[idx]!, term: conf.term[idx]!, support: conf.support[idx]! } : undefined;
      out.push({
        code,
        match: mm?.m,
        assocTerm: as?.term,
        features: [
          knn,
          v ? v.max : 0,
          v ? Math.log1p(v.count) : 0,
          Math.log1p(f) / logN,
          coverage,
          coverage >= 0.999 ? 1 : 0,
          mm ? mm.m.anyCoverage : 0,
          mm ? mm.m.negatedCoverage : 0,
          f > 0 ? 1 : 0,
          this.matcher.has(code) ? 1 : 0,
          knn * coverage,
          f > 0 && coverage >= 0.999 ? 1 : 0,
          knnRank.has(code) ? 1 / (1 + (knnRank.get(code) ?? 0)) : 0,
          mm ? 1 / (1 + mm.rank) : 0,
          as ? as.best : 0,
          as ? as.second : 0,
          as ? Math.log1p(as.support) : 0,
          Math.log1p(catFreq.get(code.slice(0, 3)) ?? 0) / logN,
          total > 0 ? (catVote.get(code.slice(0, 3)) ?? 0) / total : 0,
          (as ? as.best : 0) * knn,
          (as ? as.best : 0) * coverage,
          (as ? as.best : 0) ** 2,
          Math.sqrt(knn),
          f > 0 ? coverage : 0,
        ],
      });
    }
    for (const code of confCodes) conf.has[code] = 0;
    return out;
  }
}

/** The first `k` of `items` in `compare` order (a total order), sorted; one small array, no full sort. */
function topK(items: readonly number[], k: number, compare: (a: number, b: number) => number): number[] {
  const top: number[] = [];
  for (const x of items) {
    if (top.length === k && compare(x, top[k - 1]!) >= 0) continue;
    let i = Math.min(top.length, k - 1);
    while (i > 0 && compare(x, top[i - 1]!) < 0) {
      top[i] = top[i - 1]!;
      i--;
    }
    top[i] = x;
  }
  return top;
}

/** CSR inverted index of sparse vectors: for each term, the vectors holding it, in vector order. */
function invertedIndex(vectors: readonly SparseVector[], terms: number): { offsets: Int32Array; docs: Int32Array; vals: Float32Array } {
  const offsets = new Int32Array(terms + 1);
  for (const v of vectors) for (let i = 0; i < v.idx.length; i++) offsets[v.idx[i]! + 1]!++;
  for (let t = 0; t < terms; t++) offsets[t + 1]! += offsets[t]!;
  const fill = offsets.slice(0, terms);
  const docs = new Int32Array(offsets[terms]!);
  const vals = new Float32Array(offsets[terms]!);
  vectors.forEach((v, d) => {
    for (let i = 0; i < v.idx.length; i++) {
      const at = fill[v.idx[i]!]!++;
      docs[at] = d;
      vals[at] = v.val[i]!;
    }
  });
  return { offsets, docs, vals };
}

/** Logistic regression by full-batch gradient descent on standardised features (deterministic). */
function fitLogistic(rows: readonly number[][], labels: readonly number[], iterations = 400, l2 = 1e-3): { weights: number[]; mean: number[]; std: number[] } {
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (const r of rows) r.forEach((x, j) => (mean[j]! += x / rows.length));
  for (const r of rows) r.forEach((x, j) => (std[j]! += (x - mean[j]!) ** 2 / rows.length));
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) < 1e-4 ? 1 : Math.sqrt(std[j]!);
  const X = rows.map((r) => r.map((x, j) => (x - mean[j]!) / std[j]!));
  const w = new Array<number>(d + 1).fill(0);
  // Adam keeps the few hundred iterations enough on unevenly scaled problems.
  const m = new Array<number>(d + 1).fill(0);
  const v = new Array<number>(d + 1).fill(0);
  const lr = 0.05;
  for (let it = 1; it <= iterations; it++) {
    const g = new Array<number>(d + 1).fill(0);
    for (let i = 0; i < X.length; i++) {
      const x = X[i]!;
      let z = w[d]!;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const err = sigmoid(z) - labels[i]!;
      for (let j = 0; j < d; j++) g[j]! += (err * x[j]!) / X.length;
      g[d]! += err / X.length;
    }
    for (let j = 0; j < d; j++) g[j]! += l2 * w[j]!;
    for (let j = 0; j <= d; j++) {
      m[j] = 0.9 * m[j]! + 0.1 * g[j]!;
      v[j] = 0.999 * v[j]! + 0.001 * g[j]! ** 2;
      const mh = m[j]! / (1 - 0.9 ** it);
      const vh = v[j]! / (1 - 0.999 ** it);
      w[j]! -= (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  return { weights: w.map((x) => round(x, 6)), mean: mean.map((x) => round(x, 6)), std: std.map((x) => round(x, 6)) };
}

function applyStacker(stacker: ModelState['stacker'], f: readonly number[]): number {
  const d = stacker.mean.length;
  let z = stacker.weights[d] ?? 0;
  for (let j = 0; j < d; j++) z += (stacker.weights[j] ?? 0) * ((f[j]! - stacker.mean[j]!) / (stacker.std[j] || 1));
  const p = sigmoid(z);
  return Number.isFinite(p) ? p : 0;
}

export interface TrainInput {
  readonly docs: readonly TrainingDoc[];
  /** ICD-10-CM descriptions for the matcher (billable codes). */
  readonly descriptions: readonly DescriptionInput[];
  readonly hyperparameters?: Partial<Hyperparameters>;
  readonly onProgress?: (message: string) => void;
}

/** Trains the whole model. Deterministic: same input, same state. */
export function trainModel(input: TrainInput): ModelState {
  const hp: Hyperparameters = { ...DEFAULT_HYPERPARAMETERS, ...input.hyperparameters };
  const log = input.onProgress ?? (() => {});
  const docs = [...input.docs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const analyzed = docs.map((d) => analyze(d.text));
  const counts = analyzed.map(featureCounts);
  const vectorizer = Vectorizer.fit(counts, docs.length >= 20 ? 2 : 1);
  const vectors = counts.map((c) => vectorizer.transform(c));
  log(`vectorised ${docs.length} notes, ${vectorizer.state.terms.length} features`);

  const display: Record<string, string> = {};
  const dxCodes = [...new Set(docs.flatMap((d) => d.diagnoses.map(codeKey)))].sort();
  const pxCodes = [...new Set(docs.flatMap((d) => d.procedures.map(codeKey)))].sort();
  const dxIdx = new Map(dxCodes.map((c, i) => [c, i]));
  const pxIdx = new Map(pxCodes.map((c, i) => [c, i]));
  const docDx = docs.map((d) => [...new Set(d.diagnoses.map(codeKey))].map((c) => dxIdx.get(c)!).sort((a, b) => a - b));
  const docPx = docs.map((d) => [...new Set(d.procedures.map(codeKey))].map((c) => pxIdx.get(c)!).sort((a, b) => a - b));
  const dxFreq = dxCodes.map(() => 0);
  for (const list of docDx) for (const c of list) dxFreq[c]!++;

  // Stem document frequencies (positive mentions) for matcher weights and evidence terms.
  const stemDf = new Map<string, number>();
  const docStems = analyzed.map((a) => new Set(a.tokens.filter((t) => !t.negated && !STOPWORDS.has(t.stem) && t.stem.length > 2 && !/^\d+$/.test(t.stem)).map((t) => t.stem)));
  for (const s of docStems) for (const t of s) stemDf.set(t, (stemDf.get(t) ?? 0) + 1);
  const matcher = DescriptionMatcher.build(input.descriptions, stemDf, docs.length);
  for (const d of input.descriptions) display[codeKey(d.code)] = d.code;
  log(`matcher over ${matcher.state.codes.length} descriptions`);

  // Evidence terms per code: stems over-represented in the notes that carry it.
  const dxTerms = dxCodes.map((code, c) => {
    const own = new Set(matcher.stemsOf(code));
    const score = new Map<string, number>();
    docDx.forEach((list, i) => {
      if (!list.includes(c)) return;
      for (const t of docStems[i]!) score.set(t, (score.get(t) ?? 0) + 1);
    });
    const n = dxFreq[c]!;
    return [...score.entries()]
      .map(([t, k]) => [t, (own.has(t) ? 10 : 0) + (k / n) * Math.log((docs.length + 1) / ((stemDf.get(t) ?? 0) + 1))] as const)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 8)
      .map(([t]) => t);
  });

  const termSets = counts.map((c) => termSet(vectorizer, c));
  const fullAssoc = buildAssoc(termSets, docDx, () => true, vectorizer.state.terms.length);
  const assocTerms: number[] = [];
  const assocOffsets: number[] = [0];
  const assocCodes: number[] = [];
  const assocCounts: number[] = [];
  for (const [t, a] of fullAssoc.byTerm) {
    assocTerms.push(t);
    assocCodes.push(...a.codes);
    assocCounts.push(...a.counts);
    assocOffsets.push(assocCodes.length);
  }
  log(`${assocCodes.length} term-code associations`);

  const base = {
    hyperparameters: hp,
    assoc: { terms: assocTerms, offsets: assocOffsets, codes: assocCodes, counts: assocCounts },
    termDf: fullAssoc.df,
    vectorizer: vectorizer.state,
    docs: vectors.map((v, i) => ({ idx: [...v.idx], val: [...v.val].map((x) => round(x, 5)), dx: docDx[i]!, px: docPx[i]! })),
    dxCodes,
    pxCodes,
    dxFreq,
    dxTerms,
    matcher: matcher.state,
    display,
  };
  const scorer = new Scorer(base, matcher);

  // Out-of-fold candidates: each note scored against the notes of the other folds only.
  const folds = Math.max(2, Math.min(hp.folds, docs.length));
  const rows: number[][] = [];
  const labels: number[] = [];
  const oof: { code: string; fIndex: number; label: number }[] = [];
  for (let f = 0; f < folds; f++) {
    const inFold = (i: number) => i % folds === f;
    const assoc = buildAssoc(termSets, docDx, (i) => !inFold(i), vectorizer.state.terms.length);
    const freq = dxCodes.map(() => 0);
    docDx.forEach((list, i) => {
      if (!inFold(i)) for (const c of list) freq[c]!++;
    });
    for (let i = 0; i < docs.length; i++) {
      if (!inFold(i)) continue;
      const nbrs = scorer.neighbours(scorer.docs[i]!.v, (j) => !inFold(j));
      const gold = new Set(docDx[i]!.map((c) => dxCodes[c]!));
      for (const cand of scorer.candidates(analyzed[i]!, termSets[i]!, assoc, nbrs, freq, docs.length - docs.length / folds)) {
        oof.push({ code: cand.code, fIndex: rows.length, label: gold.has(cand.code) ? 1 : 0 });
        rows.push(cand.features);
        labels.push(gold.has(cand.code) ? 1 : 0);
      }
    }
    log(`fold ${f + 1}/${folds}: ${rows.length} candidates so far`);
  }
  const stacker = rows.length > 0 && labels.some((l) => l === 1) ? fitLogistic(rows, labels) : { weights: new Array<number>(FEATURE_NAMES.length + 1).fill(0), mean: new Array<number>(FEATURE_NAMES.length).fill(0), std: new Array<number>(FEATURE_NAMES.length).fill(1) };

  // Per-code thresholds: for codes with enough out-of-fold support, the cut that maximises F1 on them.
  const byCode = new Map<string, { p: number; y: number }[]>();
  for (const o of oof) {
    const list = byCode.get(o.code) ?? [];
    list.push({ p: applyStacker(stacker, rows[o.fIndex]!), y: o.label });
    byCode.set(o.code, list);
  }
  const thresholds: Record<string, number> = {};
  for (const [code, list] of [...byCode.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const positives = list.filter((x) => x.y === 1).length;
    if (positives < 8) continue;
    let bestT = 0.5;
    let bestF = -1;
    for (let t = 0.2; t <= 0.8001; t += 0.05) {
      let tp = 0;
      let fp = 0;
      for (const x of list) if (x.p >= t) x.y ? tp++ : fp++;
      const f1 = (2 * tp) / (2 * tp + fp + (positives - tp));
      if (f1 > bestF + 1e-9) [bestF, bestT] = [f1, t];
    }
    if (Math.abs(bestT - 0.5) > 1e-6) thresholds[code] = round(bestT, 2);
  }
  log(`stacker on ${rows.length} candidates (${labels.filter((l) => l === 1).length} positive); ${Object.keys(thresholds).length} per-code thresholds`);
  return { ...base, stacker, thresholds };
}

/** A loaded model, ready to predict. */
export class CodeModel {
  private readonly scorer: Scorer;

  constructor(readonly state: ModelState) {
    this.scorer = new Scorer(state);
  }

  predict(text: string): Prediction {
    const reason = refusalReason(text);
    if (reason) return { codes: [], procedures: [], reason };
    const analyzed = analyze(text);
    const counts = featureCounts(analyzed);
    const v = this.scorer.vectorizer.transform(counts);
    const nbrs = this.scorer.neighbours(v, () => true);
    const { state } = this;
    const cands = this.scorer.candidates(analyzed, termSet(this.scorer.vectorizer, counts), this.scorer.assoc, nbrs, state.dxFreq, state.docs.length);
    const scored = cands.map((c) => ({ c, p: applyStacker(state.stacker, c.features) }));
    scored.sort((a, b) => b.p - a.p || (a.c.code < b.c.code ? -1 : 1));
    const note = new NoteEvidence(analyzed);
    const codes: Suggestion[] = [];
    for (const { c, p } of scored) {
      const evidence = this.evidenceFor(c.code, c.match, note, nbrs);
      // A code whose every clue is negated is no suggestion at all.
      if (evidence === null) continue;
      codes.push({ code: this.displayCm(c.code), score: round(p), evidence, suggest: p >= (state.thresholds[c.code] ?? 0.5) });
      if (codes.length >= state.hyperparameters.topN) break;
    }
    return { codes, procedures: this.procedures(note, nbrs) };
  }

  private displayCm(key: string): string {
    return this.state.display[key] ?? (key.length > 3 ? `${key.slice(0, 3)}.${key.slice(3)}` : key).toUpperCase();
  }

  private procedures(note: NoteEvidence, nbrs: readonly Neighbour[]): Suggestion[] {
    const { power } = this.state.hyperparameters;
    const vote = new Map<number, number>();
    let total = 0;
    for (const n of nbrs) {
      const w = n.sim ** power;
      total += w;
      for (const c of this.scorer.docs[n.doc]!.px) vote.set(c, (vote.get(c) ?? 0) + w);
    }
    return [...vote.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 20)
      .map(([c, w]) => {
        const nb = nbrs.find((n) => this.scorer.docs[n.doc]!.px.includes(c));
        return { code: this.state.pxCodes[c]!.toUpperCase(), score: round(total > 0 ? w / total : 0), evidence: nb ? this.sharedTermSpans(note, nb.doc) : [] };
      });
  }

  /**
   * Evidence spans for a code: the matched description words, else the code's learnt terms found in
   * the note, else the words this note shares with the nearest training note carrying the code.
   * Null when the code's own words occur only negated.
   */
  private evidenceFor(code: string, match: MatchResult | undefined, note: NoteEvidence, nbrs: readonly Neighbour[]): [number, number][] | null {
    if (match && match.tokens.length > 0) return spans(match.tokens);
    const own = new Set(this.scorer.matcher.stemsOf(code));
    const idx = this.scorer.dxIndex.get(code);
    const learnt = new Set(idx === undefined ? [] : (this.state.dxTerms[idx] ?? []));
    const byStem = note.byStem();
    const pick = (stems: Iterable<string>, negated: boolean) => [...stems].flatMap((s) => byStem.get(s)?.filter((t) => t.negated === negated) ?? []).sort((a, b) => a.start - b.start);
    const positiveOwn = pick(own, false);
    const negatedOwn = pick(own, true);
    if (positiveOwn.length === 0 && negatedOwn.length > 0) return null;
    if (positiveOwn.length > 0) return spans(firstPerStem(positiveOwn));
    const positiveLearnt = pick(learnt, false);
    if (positiveLearnt.length > 0) return spans(firstPerStem(positiveLearnt));
    if (idx !== undefined) {
      const nb = nbrs.find((n) => this.scorer.docs[n.doc]!.dx.includes(idx));
      if (nb) {
        const shared = this.sharedTermSpans(note, nb.doc);
        if (shared.length > 0) return shared;
      }
    }
    // Last resort: the words shared with the nearest training note.
    const first = nbrs[0];
    if (first) {
      const shared = this.sharedTermSpans(note, first.doc);
      if (shared.length > 0) return shared;
    }
    return null;
  }

  /**
   * Spans of the (up to three) highest-weighted unigram features this note shares with a training note.
   * Many codes fall back on the same few neighbours, so each note-neighbour answer is computed once.
   */
  private sharedTermSpans(note: NoteEvidence, doc: number): [number, number][] {
    const known = note.sharedSpans.get(doc);
    if (known) return known;
    const d = this.scorer.docs[doc]!.v;
    const best: { w: number; t: Token }[] = [];
    for (const { term, token } of this.positiveTerms(note)) {
      const at = sortedIndexOf(d.idx, term);
      if (at >= 0) best.push({ w: d.val[at]! * (this.state.vectorizer.idf[term] ?? 0), t: token });
    }
    const top = best.sort((a, b) => b.w - a.w || a.t.start - b.t.start).slice(0, 3);
    const result = spans(top.map((x) => x.t));
    note.sharedSpans.set(doc, result);
    return result;
  }

  /** The note's features among its positive stems, each with the stem's first positive token, in note order. */
  private positiveTerms(note: NoteEvidence): { term: number; token: Token }[] {
    if (!note.positiveTerms) {
      const seen = new Set<string>();
      note.positiveTerms = [];
      for (const t of note.analyzed.tokens) {
        if (t.negated || seen.has(t.stem)) continue;
        seen.add(t.stem);
        const term = this.scorer.vectorizer.termIndex(t.stem);
        if (term !== undefined) note.positiveTerms.push({ term, token: t });
      }
    }
    return note.positiveTerms;
  }
}

/**
 * What evidence finding needs from one note, computed at most once per prediction. Held by the
 * prediction itself (not a WeakMap keyed by the note): ephemeron caches made the young-generation
 * collector promote every note, and the old-generation collections that followed set the latency tail.
 */
class NoteEvidence {
  /** Features of the note's positive stems with their first positive token (see CodeModel.positiveTerms). */
  positiveTerms: { term: number; token: Token }[] | undefined;
  /** Shared-term spans by training note. */
  readonly sharedSpans = new Map<number, [number, number][]>();
  private stems: Map<string, Token[]> | undefined;

  constructor(readonly analyzed: AnalyzedText) {}

  /** Tokens by stem. */
  byStem(): Map<string, Token[]> {
    if (!this.stems) {
      this.stems = new Map();
      for (const t of this.analyzed.tokens) {
        const list = this.stems.get(t.stem);
        if (list) list.push(t);
        else this.stems.set(t.stem, [t]);
      }
    }
    return this.stems;
  }
}

/** Position of `x` in an ascending array, or -1. */
function sortedIndexOf(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const y = sorted[mid]!;
    if (y === x) return mid;
    if (y < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function firstPerStem(tokens: readonly Token[]): Token[] {
  const seen = new Set<string>();
  const out: Token[] = [];
  for (const t of tokens) {
    if (seen.has(t.stem)) continue;
    seen.add(t.stem);
    out.push(t);
  }
  return out.slice(0, 5);
}

/** Token spans sorted and merged where they touch or are separated by one space/punctuation. */
function spans(tokens: readonly Token[]): [number, number][] {
  const sorted = [...new Map(tokens.map((t) => [t.start, t])).values()].sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  for (const t of sorted) {
    const last = out[out.length - 1];
    if (last && t.start - last[1] <= 2) last[1] = Math.max(last[1], t.end);
    else out.push([t.start, t.end]);
  }
  return out.slice(0, 6);
}
