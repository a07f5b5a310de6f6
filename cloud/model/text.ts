/**
 * Clinical text normalisation: tokens with offsets into the raw text, sentence boundaries, a small
 * clinical abbreviation table, and NegEx-style context (negated, uncertain, history-of) per token.
 * Plain TypeScript: no Node APIs, so the desktop, the containers and the trainer share it.
 */

/** One word of the note. `start`/`end` are JavaScript string indices into the raw text. */
export interface Token {
  /** Normalised form (lower case, light stemming; abbreviations expanded to their first word). */
  readonly stem: string;
  readonly start: number;
  readonly end: number;
  readonly sentence: number;
  /** Inside the scope of a negation ("no evidence of pneumonia", "pneumonia was ruled out"). */
  readonly negated: boolean;
  /** Inside the scope of an uncertainty cue ("possible", "suspected"). */
  readonly uncertain: boolean;
  /** Inside a history-of scope ("history of", "previous"): a past condition, not necessarily current. */
  readonly history: boolean;
}

export interface AnalyzedText {
  readonly tokens: readonly Token[];
  readonly sentenceCount: number;
}

/** Clinical abbreviations expanded in place (all expanded tokens keep the abbreviation's span). */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  htn: 'hypertension',
  hta: 'hypertension',
  dm: 'diabetes mellitus',
  t2dm: 'type 2 diabetes mellitus',
  t1dm: 'type 1 diabetes mellitus',
  copd: 'chronic obstructive pulmonary disease',
  mi: 'myocardial infarction',
  ami: 'acute myocardial infarction',
  chf: 'congestive heart failure',
  ckd: 'chronic kidney disease',
  aki: 'acute kidney injury',
  uti: 'urinary tract infection',
  afib: 'atrial fibrillation',
  af: 'atrial fibrillation',
  dvt: 'deep vein thrombosis',
  tb: 'tuberculosis',
  hcv: 'hepatitis c virus',
  hbv: 'hepatitis b virus',
  gerd: 'gastro esophageal reflux disease',
  cad: 'coronary artery disease',
  bph: 'benign prostatic hyperplasia',
  sle: 'systemic lupus erythematosus',
  nhl: 'non hodgkin lymphoma',
  ards: 'acute respiratory distress syndrome',
  cva: 'cerebrovascular accident stroke',
  tia: 'transient ischemic attack',
  aids: 'acquired immunodeficiency syndrome hiv',
  dlp: 'dyslipidemia',
  osa: 'obstructive sleep apnea',
  ra: 'rheumatoid arthritis',
  ms: 'multiple sclerosis',
  pe: 'pulmonary embolism',
  sob: 'shortness of breath dyspnea',
  cmv: 'cytomegalovirus',
  ebv: 'epstein barr virus',
  hpv: 'papillomavirus',
  rcc: 'renal cell carcinoma',
  hcc: 'hepatocellular carcinoma',
  nsclc: 'non small cell lung carcinoma',
};

/** Cues that open a negation scope over the following words of the same clause. */
const PRE_NEGATION: readonly (readonly string[])[] = [
  ['no'], ['not'], ['without'], ['denies'], ['denied'], ['deny'], ['negative', 'for'], ['absence', 'of'],
  ['free', 'of'], ['ruled', 'out'], ['rule', 'out'], ['rules', 'out'], ['neither'], ['nor'], ['never'],
  ['excluded'], ['exclude'], ['excluding'], ['lack', 'of'], ['absent'],
];
/** Cues that negate the words just before them in the same clause ("pneumonia was ruled out"). */
const POST_NEGATION: readonly (readonly string[])[] = [
  ['ruled', 'out'], ['was', 'excluded'], ['were', 'excluded'], ['was', 'discarded'], ['were', 'discarded'],
  ['was', 'negative'], ['were', 'negative'], ['negative'], ['absent'], ['not', 'observed'], ['not', 'found'],
  ['not', 'seen'], ['not', 'detected'], ['unremarkable'],
];
const UNCERTAIN: readonly (readonly string[])[] = [
  ['possible'], ['possibly'], ['probable'], ['probably'], ['suspected'], ['suspicion'], ['suspect'],
  ['likely'], ['may'], ['might'], ['questionable'], ['differential'], ['rule', 'out'],
];
const HISTORY: readonly (readonly string[])[] = [
  ['history', 'of'], ['previous'], ['previously'], ['prior'], ['past'], ['antecedent'], ['antecedents'],
  ['background', 'of'], ['personal', 'history'], ['years', 'ago'],
];
/** Words that close a context scope within a sentence. */
const TERMINATORS = new Set(['but', 'however', 'although', 'though', 'except', 'which', 'who', 'whereas', 'yet', 'while', 'apart', 'aside', 'presenting', 'presented', 'showed', 'revealed']);
const SCOPE_WORDS = 6;

const WORD = /[\p{L}\p{N}]+/gu;

/** Light, deterministic suffix stripping shared by notes and code descriptions. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith('sses')) return w.slice(0, -2);
  if (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is') || w.endsWith('ous')) return w;
  if (w.endsWith('es') && /(ch|sh|x|z)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s')) w = w.slice(0, -1);
  if (w.length > 6 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 6 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 7 && w.endsWith('ically')) return w.slice(0, -6);
  if (w.length > 6 && w.endsWith('ic')) return w.slice(0, -2);
  if (w.length > 6 && w.endsWith('al')) return w.slice(0, -2);
  return w;
}

interface RawWord {
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  readonly sentence: number;
}

/** The characters JavaScript's `\s` matches. */
function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Whether the gap text[from, to) between two words ends a sentence: a line break, `.!?;:` before a
 * space, or `.!?;` closing the gap. Scanned in place: this runs for every word of every note.
 */
function endsSentence(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    // . ! ? ; :
    if (c === 46 || c === 33 || c === 63 || c === 59 || c === 58) {
      if (i + 1 < to && isSpace(text.charCodeAt(i + 1))) return true;
      if (i === to - 1 && c !== 58) return true;
    }
  }
  return false;
}

function splitWords(text: string): RawWord[] {
  const words: RawWord[] = [];
  let sentence = 0;
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index ?? 0;
    if (words.length > 0 && endsSentence(text, last, start)) sentence++;
    words.push({ lower: m[0].toLowerCase(), start, end: start + m[0].length, sentence });
    last = start + m[0].length;
  }
  return words;
}

function matchAt(words: readonly RawWord[], i: number, cue: readonly string[]): boolean {
  for (let k = 0; k < cue.length; k++) {
    const w = words[i + k];
    if (!w || w.lower !== cue[k] || w.sentence !== words[i]?.sentence) return false;
  }
  return true;
}

type Cues = ReadonlyMap<string, readonly (readonly string[])[]>;

/** Cues by their first word, in list order, so each word is checked only against cues it can open. */
function byFirstWord(cues: readonly (readonly string[])[]): Cues {
  const index = new Map<string, (readonly string[])[]>();
  for (const cue of cues) {
    const list = index.get(cue[0]!);
    if (list) list.push(cue);
    else index.set(cue[0]!, [cue]);
  }
  return index;
}

const PRE_NEGATION_CUES = byFirstWord(PRE_NEGATION);
const POST_NEGATION_CUES = byFirstWord(POST_NEGATION);
const UNCERTAIN_CUES = byFirstWord(UNCERTAIN);
const HISTORY_CUES = byFirstWord(HISTORY);

function markScopes(words: readonly RawWord[], text: string, cues: Cues, direction: 'forward' | 'backward', out: boolean[]): void {
  for (let i = 0; i < words.length; i++) {
    for (const cue of cues.get(words[i]!.lower) ?? []) {
      if (!matchAt(words, i, cue)) continue;
      const sentence = words[i]?.sentence;
      if (direction === 'forward') {
        let j = i + cue.length;
        for (let n = 0; n < SCOPE_WORDS && j < words.length; j++, n++) {
          const w = words[j] as RawWord;
          if (w.sentence !== sentence || TERMINATORS.has(w.lower)) break;
          // A clause break ("no fever. Cough") or a parenthesis ends the scope; commas continue lists.
          const prev = words[j - 1] as RawWord;
          if (/[;:()]/.test(text.slice(prev.end, w.start))) break;
          out[j] = true;
        }
      } else {
        for (let j = i - 1, n = 0; j >= 0 && n < SCOPE_WORDS; j--, n++) {
          const w = words[j] as RawWord;
          if (w.sentence !== sentence || TERMINATORS.has(w.lower)) break;
          const next = words[j + 1] as RawWord;
          if (/[;:()]/.test(text.slice(w.end, next.start))) break;
          out[j] = true;
        }
      }
      break;
    }
  }
}

/** Tokenises and annotates a note. Linear in its length; never throws. */
export function analyze(text: string): AnalyzedText {
  const words = splitWords(text);
  const negated = new Array<boolean>(words.length).fill(false);
  const uncertain = new Array<boolean>(words.length).fill(false);
  const history = new Array<boolean>(words.length).fill(false);
  markScopes(words, text, PRE_NEGATION_CUES, 'forward', negated);
  markScopes(words, text, POST_NEGATION_CUES, 'backward', negated);
  markScopes(words, text, UNCERTAIN_CUES, 'forward', uncertain);
  markScopes(words, text, HISTORY_CUES, 'forward', history);
  const tokens: Token[] = [];
  words.forEach((w, i) => {
    const token = (s: string): Token => ({ stem: s, start: w.start, end: w.end, sentence: w.sentence, negated: negated[i] === true, uncertain: uncertain[i] === true, history: history[i] === true });
    // Own keys only: a note saying "Constructor" must not find Object.prototype's members here.
    const expansion = Object.hasOwn(ABBREVIATIONS, w.lower) ? ABBREVIATIONS[w.lower] : undefined;
    tokens.push(token(stem(w.lower)));
    // Upper-case abbreviation ("HTN", "COPD"): keep it and add its expansion on the same span.
    if (expansion && text.slice(w.start, w.end) !== w.lower) for (const part of expansion.split(' ')) tokens.push(token(stem(part)));
  });
  const last = words[words.length - 1];
  return { tokens, sentenceCount: last ? last.sentence + 1 : 0 };
}

/** Words too common in English or in code titles to carry meaning on their own. */
export const STOPWORDS = new Set(
  (
    'a an the of and or in on at to for with by from as is are was were be been being this that these those it its ' +
    'he she his her him they them their we our you your i me my has have had do does did not no but if then than ' +
    'so such there here which who whom whose what when where why how all any both each few more most other some ' +
    'into over under after before during between through about against up down out off again further once also ' +
    'unspecified specified unsp oth elsewhere classified nec nos due type site part without initial encounter ' +
    'subsequent sequela use patient case year old day days month months'
  ).split(' '),
);

/**
 * Cheap language check: share of words that are common English function words. Non-English notes get
 * no suggestions (the model was trained on English) and say why.
 */
export function englishScore(text: string): number {
  const sample = text.slice(0, 20_000).toLowerCase().match(/[\p{L}]+/gu) ?? [];
  if (sample.length === 0) return 0;
  const common = new Set(['the', 'of', 'and', 'with', 'was', 'a', 'in', 'to', 'is', 'for', 'at', 'on', 'no', 'were', 'an', 'by', 'who', 'from', 'which', 'this', 'that', 'his', 'her', 'he', 'she', 'after', 'years', 'old']);
  let hits = 0;
  for (const w of sample) if (common.has(w)) hits++;
  return hits / sample.length;
}
