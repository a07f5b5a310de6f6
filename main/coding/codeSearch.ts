/**
 * Ranked, typo-tolerant search over one ICD-10 code set, built once over the shared `CodeSet`
 * (cloud/model/codesets owns loading; this owns the index). Plain TypeScript, no Node APIs.
 *
 * - A query that looks like a code ("J18", "j18.9", "0DTJ") is a code-prefix search over the sorted codes
 *   (binary search): the exact code first, then its children in code order.
 * - Otherwise it is a word search: each query word matches description words exactly, by prefix
 *   ("pneum"), or within Damerau edit distance 1 (2 for words of 8+ letters: "pnuemonia"), found through
 *   a trigram index over the vocabulary. Every query word must match; results rank by match quality,
 *   coverage of the description, billable first, then code order.
 */
import type { CodeEntry, CodeSet } from '../../cloud/model/codesets/index.js';

export interface SearchHit {
  readonly code: string;
  readonly description: string;
  readonly billable: boolean;
  readonly score: number;
  readonly match: 'code' | 'words';
}

export interface SearchResult {
  readonly hits: SearchHit[];
  /** Query words answered by a near spelling: "pnuemonia" -> "pneumonia". */
  readonly corrections: { readonly from: string; readonly to: string }[];
  /** How many entries matched before the limit. */
  readonly total: number;
  /** Query words that matched nothing, even approximately; the search went on without them. */
  readonly ignored: string[];
}

const STOP_WORDS = new Set(['of', 'and', 'the', 'with', 'in', 'due', 'to', 'or', 'by', 'for', 'a', 'an', 'on', 'at', 'as', 'other']);
const MAX_PREFIX_EXPANSION = 400;
/** Common clinical abbreviations coders type, expanded when the abbreviation is not itself a word of the set. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  chf: 'heart failure',
  copd: 'chronic obstructive pulmonary disease',
  aki: 'acute kidney failure',
  ckd: 'chronic kidney disease',
  uti: 'urinary tract infection',
  ami: 'acute myocardial infarction',
  mi: 'myocardial infarction',
  cva: 'cerebral infarction',
  dvt: 'deep vein thrombosis',
  pe: 'pulmonary embolism',
  htn: 'hypertension',
  dm: 'diabetes mellitus',
  gerd: 'gastro esophageal reflux disease',
  afib: 'atrial fibrillation',
  cad: 'atherosclerotic heart disease',
  ards: 'acute respiratory distress syndrome',
};

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

function normalize(code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase();
}

function trigrams(word: string): string[] {
  const padded = `$${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

/** Optimal-string-alignment distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

interface Expansion {
  readonly word: number;
  readonly quality: number;
}

export class CodeSearchIndex {
  private readonly entries: readonly CodeEntry[];
  /** Entry indices sorted by normalised code, and those codes, for prefix ranges. */
  private readonly sortedCodes: string[];
  private readonly sortedIdx: Int32Array;
  private readonly vocab: string[] = [];
  /** Vocabulary sorted, for prefix expansion. */
  private readonly vocabSorted: string[];
  private readonly wordId = new Map<string, number>();
  private readonly postings: Int32Array[] = [];
  private readonly trigramWords = new Map<string, number[]>();
  private readonly docWords: Uint8Array;
  private readonly billable: Uint8Array;
  /** First description word of each entry (ranking: "Pneumonia, unspecified organism" for "pneumonia"). */
  private readonly firstWord: Int32Array;
  private readonly fuzzyCache = new Map<string, Expansion[]>();
  // Per-query scratch, one slot per entry, valid where `stamp` holds the current query's generation.
  private readonly stamp: Uint32Array;
  private generation = 0;
  private readonly lastToken: Int16Array;
  private readonly hitCount: Uint8Array;
  private readonly score: Float32Array;
  private readonly candidates: Int32Array;
  /** Per vocabulary word: 0 unknown, 1 does not lead, 2 leads (for the current query; reset after each). */
  private readonly leadOf: Uint8Array;

  constructor(set: CodeSet) {
    this.entries = set.entries();
    const n = this.entries.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const codes = this.entries.map((e) => normalize(e.code));
    order.sort((a, b) => ((codes[a] as string) < (codes[b] as string) ? -1 : (codes[a] as string) > (codes[b] as string) ? 1 : 0));
    this.sortedIdx = Int32Array.from(order);
    this.sortedCodes = order.map((i) => codes[i] as string);

    this.docWords = new Uint8Array(n);
    this.billable = Uint8Array.from(this.entries, (e) => (e.billable ? 1 : 0));
    this.firstWord = new Int32Array(n).fill(-1);
    const lists: number[][] = [];
    this.entries.forEach((e, doc) => {
      const ws = words(e.description);
      this.docWords[doc] = Math.min(255, ws.length);
      const seen = new Set<number>();
      let first = true;
      for (const w of ws) {
        let id = this.wordId.get(w);
        if (id === undefined) {
          id = this.vocab.length;
          this.vocab.push(w);
          this.wordId.set(w, id);
          lists.push([]);
        }
        if (first) {
          this.firstWord[doc] = id;
          first = false;
        }
        if (!seen.has(id)) {
          seen.add(id);
          (lists[id] as number[]).push(doc);
        }
      }
    });
    for (const l of lists) this.postings.push(Int32Array.from(l));
    this.vocab.forEach((w, id) => {
      if (w.length < 3) return;
      for (const t of new Set(trigrams(w))) {
        const list = this.trigramWords.get(t);
        if (list) list.push(id);
        else this.trigramWords.set(t, [id]);
      }
    });
    this.vocabSorted = [...this.vocab].sort();
    this.stamp = new Uint32Array(n);
    this.lastToken = new Int16Array(n);
    this.hitCount = new Uint8Array(n);
    this.score = new Float32Array(n);
    this.candidates = new Int32Array(n);
    this.leadOf = new Uint8Array(this.vocab.length);
  }

  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  get size(): number {
    return this.entries.length;
  }

  search(query: string, limit = 25): SearchResult {
    const q = query.trim();
    const max = Math.max(1, Math.min(500, Math.floor(limit)));
    if (q === '') return { hits: [], corrections: [], total: 0, ignored: [] };
    const code = normalize(q);
    if (/^[A-Z0-9]{1,7}$/.test(code) && (/^[A-Z]\d/.test(code) || /^\d/.test(code) || /\d/.test(code.slice(1)))) {
      const hits = this.codePrefix(code, max);
      if (hits.total > 0) return hits;
    }
    return this.wordSearch(q, max);
  }

  private codePrefix(prefix: string, max: number): SearchResult {
    let lo = 0;
    let hi = this.sortedCodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedCodes[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    const hits: SearchHit[] = [];
    let total = 0;
    for (let i = lo; i < this.sortedCodes.length && (this.sortedCodes[i] as string).startsWith(prefix); i++) {
      total++;
      if (hits.length < max) {
        const e = this.entries[this.sortedIdx[i] as number] as CodeEntry;
        const exact = this.sortedCodes[i] === prefix;
        hits.push({ code: e.code, description: e.description, billable: e.billable, score: exact ? 2 : 1 + prefix.length / (this.sortedCodes[i] as string).length / 2, match: 'code' });
      }
    }
    return { hits, corrections: [], total, ignored: [] };
  }

  /** Vocabulary words a query word may stand for: exact, prefix, near spellings (best first). */
  private expand(token: string, corrections: { from: string; to: string }[]): Expansion[] {
    const out: Expansion[] = [];
    const exact = this.wordId.get(token);
    if (exact !== undefined) out.push({ word: exact, quality: 1 });
    // Prefix: the word being typed ("pneum").
    if (token.length >= 2) {
      let lo = 0;
      let hi = this.vocabSorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.vocabSorted[mid] as string) < token) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo, k = 0; i < this.vocabSorted.length && k < MAX_PREFIX_EXPANSION; i++, k++) {
        const w = this.vocabSorted[i] as string;
        if (!w.startsWith(token)) break;
        if (w !== token) out.push({ word: this.wordId.get(w) as number, quality: 0.8 });
      }
    }
    if (token.length >= 4 && !/^\d+$/.test(token)) {
      const fuzzy = this.fuzzy(token);
      for (const f of fuzzy) if (!out.some((o) => o.word === f.word)) out.push(f);
      if (exact === undefined && out.length > 0 && fuzzy.length > 0 && out[0] === fuzzy[0]) {
        corrections.push({ from: token, to: this.vocab[(fuzzy[0] as Expansion).word] as string });
      }
    }
    return out;
  }

  private fuzzy(token: string): Expansion[] {
    const cached = this.fuzzyCache.get(token);
    if (cached) return cached;
    const maxDist = token.length >= 8 ? 2 : 1;
    const grams = [...new Set(trigrams(token))];
    const shared = new Map<number, number>();
    for (const g of grams) for (const id of this.trigramWords.get(g) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    const need = Math.max(1, grams.length - 3 * maxDist - 1);
    const found: { word: number; quality: number; d: number }[] = [];
    for (const [id, count] of shared) {
      if (count < need) continue;
      const w = this.vocab[id] as string;
      if (w === token) continue;
      const d = editDistance(token, w, maxDist);
      if (d <= maxDist) found.push({ word: id, quality: d === 1 ? 0.6 : 0.4, d });
    }
    found.sort((a, b) => a.d - b.d || (this.postings[b.word] as Int32Array).length - (this.postings[a.word] as Int32Array).length);
    const out = found.slice(0, 8).map(({ word, quality }) => ({ word, quality }));
    if (this.fuzzyCache.size > 5000) this.fuzzyCache.clear();
    this.fuzzyCache.set(token, out);
    return out;
  }

  private wordSearch(query: string, max: number): SearchResult {
    let tokens = words(query).flatMap((t) => (ABBREVIATIONS[t] && !this.wordId.has(t) ? words(ABBREVIATIONS[t]) : [t]));
    const content = tokens.filter((t) => !STOP_WORDS.has(t));
    if (content.length > 0) tokens = content;
    tokens = [...new Set(tokens)].slice(0, 12);
    const corrections: { from: string; to: string }[] = [];
    const all = tokens.map((t) => this.expand(t, corrections));
    const ignored = tokens.filter((_, i) => all[i]?.length === 0);
    const expansions = all.filter((e) => e.length > 0);
    if (expansions.length === 0) return { hits: [], corrections, total: 0, ignored };
    // Rarest word first: it bounds the candidates.
    const sized = expansions
      .map((ex) => ({ ex, n: ex.reduce((s, e) => s + (this.postings[e.word] as Int32Array).length, 0) }))
      .sort((a, b) => a.n - b.n);
    // Scratch state is stamped with a query generation instead of cleared: no pass over every entry.
    const gen = this.nextGeneration();
    const stamp = this.stamp;
    const hitCount = this.hitCount;
    const lastToken = this.lastToken;
    const score = this.score;
    const candidates = this.candidates;
    let nCandidates = 0;
    for (let t = 0; t < sized.length; t++) {
      for (const { word, quality } of (sized[t] as { ex: Expansion[] }).ex) {
        const list = this.postings[word] as Int32Array;
        for (let k = 0; k < list.length; k++) {
          const doc = list[k] as number;
          if (t === 0) {
            if (stamp[doc] !== gen) {
              stamp[doc] = gen;
              hitCount[doc] = 1;
              lastToken[doc] = 0;
              score[doc] = quality;
              candidates[nCandidates++] = doc;
            }
            continue; // best quality for the first word already counted
          }
          if (stamp[doc] !== gen || hitCount[doc] !== t || lastToken[doc] === t) continue; // every earlier word, once
          lastToken[doc] = t;
          hitCount[doc] = t + 1;
          score[doc] = (score[doc] as number) + quality;
        }
      }
    }
    const need = sized.length;
    const leadCorrected = corrections.find((c) => c.from === tokens[0])?.to ?? tokens[0] ?? '';
    // Whether an entry's first word starts with the query's first word, decided once per first word
    // (0 unknown, 1 no, 2 yes; reset below for the words this query touched).
    const leadOf = this.leadOf;
    const touched: number[] = [];
    const docWords = this.docWords;
    const billable = this.billable;
    const firstWord = this.firstWord;
    // Top-k by insertion into a small sorted list: no sort of every match, no allocation per match.
    const topDoc = new Int32Array(max + 1);
    const topScore = new Float64Array(max + 1);
    let size = 0;
    let floor = -Infinity;
    let total = 0;
    for (let m = 0; m < nCandidates; m++) {
      const doc = candidates[m] as number;
      if (hitCount[doc] !== need) continue;
      total++;
      const words = docWords[doc] as number;
      const partial = (score[doc] as number) / need + (need / (words > need ? words : need)) * 0.5 + (billable[doc] === 1 ? 0.25 : 0);
      // Even a leading first word (+0.3) cannot lift it into a full list: skip the lead check.
      if (size === max && partial + 0.3 <= floor) continue;
      const w = firstWord[doc] as number;
      let lead = 0;
      if (w >= 0) {
        lead = leadOf[w] as number;
        if (lead === 0) {
          lead = (this.vocab[w] as string).startsWith(leadCorrected) ? 2 : 1;
          leadOf[w] = lead;
          touched.push(w);
        }
      }
      const s = partial + (lead === 2 ? 0.3 : 0);
      // Matches come in code order, so a tie never beats what is already listed.
      if (size === max && s <= floor) continue;
      let i = size < max ? size++ : max - 1;
      while (i > 0 && s > (topScore[i - 1] as number)) {
        topDoc[i] = topDoc[i - 1] as number;
        topScore[i] = topScore[i - 1] as number;
        i--;
      }
      topDoc[i] = doc;
      topScore[i] = s;
      if (size === max) floor = topScore[max - 1] as number;
    }
    for (const w of touched) leadOf[w] = 0;
    const top = Array.from({ length: size }, (_, i) => ({ doc: topDoc[i] as number, s: topScore[i] as number }));
    const hits = top.map(({ doc, s }) => {
      const e = this.entries[doc] as CodeEntry;
      return { code: e.code, description: e.description, billable: e.billable, score: Math.round(s * 1000) / 1000, match: 'words' as const };
    });
    return { hits, corrections, total, ignored };
  }
}
