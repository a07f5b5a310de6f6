/** Evaluation as CodiEsp defines it, plus the thresholded micro/macro figures at score >= 0.5. */

export interface Ranked {
  readonly code: string;
  readonly score: number;
}

export interface Metrics {
  readonly map: number;
  readonly microP: number;
  readonly microR: number;
  readonly microF1: number;
  readonly macroF1: number;
  readonly 'p@5': number;
  readonly 'p@10': number;
  readonly documents: number;
}

/** Codes compare case-insensitively, with or without the dot. */
export function codeKey(code: string): string {
  return code.replace(/[.\s]/g, '').toLowerCase();
}

/**
 * Average precision of one ranked list against its gold set: the mean, over the gold codes, of the
 * precision at the rank where each is found (a gold code never ranked contributes 0).
 */
export function averagePrecision(ranked: readonly string[], gold: ReadonlySet<string>): number {
  if (gold.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const seen = new Set<string>();
  let rank = 0;
  for (const raw of ranked) {
    const c = codeKey(raw);
    if (seen.has(c)) continue;
    seen.add(c);
    rank++;
    if (gold.has(c)) {
      hits++;
      sum += hits / rank;
    }
  }
  return sum / gold.size;
}

/**
 * Scores predictions against gold. Documents in the gold file without a prediction count with an
 * empty ranking; only documents in the gold file count (CodiEsp's rule).
 */
export function evaluate(predictions: ReadonlyMap<string, readonly Ranked[]>, gold: ReadonlyMap<string, readonly string[]>, cut = 0.5): Metrics {
  let apSum = 0;
  let p5 = 0;
  let p10 = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const perCode = new Map<string, { tp: number; fp: number; fn: number }>();
  const bump = (code: string, key: 'tp' | 'fp' | 'fn') => {
    const c = perCode.get(code) ?? { tp: 0, fp: 0, fn: 0 };
    c[key]++;
    perCode.set(code, c);
  };
  for (const [doc, goldCodes] of gold) {
    const g = new Set(goldCodes.map(codeKey));
    const ranked = [...(predictions.get(doc) ?? [])].sort((a, b) => b.score - a.score);
    const keys = ranked.map((r) => codeKey(r.code));
    apSum += averagePrecision(keys, g);
    p5 += keys.slice(0, 5).filter((k) => g.has(k)).length / 5;
    p10 += keys.slice(0, 10).filter((k) => g.has(k)).length / 10;
    const predicted = new Set(ranked.filter((r) => r.score >= cut).map((r) => codeKey(r.code)));
    for (const k of predicted) {
      if (g.has(k)) {
        tp++;
        bump(k, 'tp');
      } else {
        fp++;
        bump(k, 'fp');
      }
    }
    for (const k of g) {
      if (!predicted.has(k)) {
        fn++;
        bump(k, 'fn');
      }
    }
  }
  const n = gold.size;
  const microP = tp + fp === 0 ? 0 : tp / (tp + fp);
  const microR = tp + fn === 0 ? 0 : tp / (tp + fn);
  const microF1 = microP + microR === 0 ? 0 : (2 * microP * microR) / (microP + microR);
  let macro = 0;
  for (const c of perCode.values()) macro += c.tp === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn);
  const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    map: r4(n ? apSum / n : 0),
    microP: r4(microP),
    microR: r4(microR),
    microF1: r4(microF1),
    macroF1: r4(perCode.size ? macro / perCode.size : 0),
    'p@5': r4(n ? p5 / n : 0),
    'p@10': r4(n ? p10 / n : 0),
    documents: n,
  };
}

/** Parses a CodiEsp-style `articleID<TAB>code` file into doc -> codes. */
export function parseGoldTsv(text: string): Map<string, string[]> {
  const gold = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const [doc, code] = line.split('\t');
    if (!doc || !code) continue;
    const list = gold.get(doc.trim()) ?? [];
    list.push(code.trim());
    gold.set(doc.trim(), list);
  }
  return gold;
}
