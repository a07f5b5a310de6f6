/**
 * ICD-10-CM and ICD-10-PCS code sets: lookup, descriptions, billable flag, prefix and text search.
 * Plain TypeScript over the compact TSV files shipped in `resources/codesets/` (see ATTRIBUTION.md
 * there); `node.ts` next to this file reads them from disk.
 *
 * API (kept small on purpose; the coder workspace builds search, edits and grouping on it):
 * - `normalizeCode(code)`   upper case, no dot: "j18.9" -> "J189"
 * - `CodeSet.parse(system, tsv)`  build from the shipped TSV text
 * - `set.get(code)`         entry by code, dotted or not, any case
 * - `set.search(query, n)`  codes by prefix ("J18") or by words of the description ("pneumonia lobar")
 * - `set.entries()`         every entry in code order
 */

export type CodeSystem = 'icd10cm' | 'icd10pcs';

export interface CodeEntry {
  readonly system: CodeSystem;
  /** Display form: dotted for ICD-10-CM ("J18.9"), seven characters for ICD-10-PCS ("0DTJ4ZZ"). */
  readonly code: string;
  readonly description: string;
  /** ICD-10-CM: a billable (leaf) code. ICD-10-PCS: a valid seven-character code. */
  readonly billable: boolean;
}

/** Upper case without dots or spaces: the form codes are compared in. */
export function normalizeCode(code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase();
}

/** ICD-10-CM display form: a dot after the third character when there are more. */
export function dottedCm(code: string): string {
  const n = normalizeCode(code);
  return n.length > 3 ? `${n.slice(0, 3)}.${n.slice(3)}` : n;
}

export class CodeSet {
  private readonly byCode = new Map<string, CodeEntry>();
  private readonly ordered: CodeEntry[];

  private constructor(readonly system: CodeSystem, entries: CodeEntry[]) {
    this.ordered = entries;
    for (const e of entries) this.byCode.set(normalizeCode(e.code), e);
  }

  /**
   * Parses the shipped format: one line per code, `code<TAB>billable(0|1)<TAB>description`; lines
   * starting with `#` are comments (attribution, version).
   */
  static parse(system: CodeSystem, tsv: string): CodeSet {
    const entries: CodeEntry[] = [];
    for (const line of tsv.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const [code, billable, description] = line.split('\t');
      if (!code || description === undefined) continue;
      entries.push({ system, code: system === 'icd10cm' ? dottedCm(code) : normalizeCode(code), description, billable: billable === '1' });
    }
    return new CodeSet(system, entries);
  }

  get size(): number {
    return this.ordered.length;
  }

  get(code: string): CodeEntry | undefined {
    return this.byCode.get(normalizeCode(code));
  }

  has(code: string): boolean {
    return this.byCode.has(normalizeCode(code));
  }

  entries(): readonly CodeEntry[] {
    return this.ordered;
  }

  /**
   * Codes whose normalised code starts with the query (when it looks like a code), then codes whose
   * description contains every word of the query, in code order, billable first.
   */
  search(query: string, limit = 50): CodeEntry[] {
    const q = query.trim();
    if (q === '') return [];
    const out: CodeEntry[] = [];
    const seen = new Set<string>();
    const prefix = normalizeCode(q);
    if (/^[A-Z0-9]{1,7}$/.test(prefix) && /\d/.test(prefix.slice(1)) || /^[A-Z]\d/.test(prefix)) {
      for (const e of this.ordered) {
        if (normalizeCode(e.code).startsWith(prefix)) {
          out.push(e);
          seen.add(e.code);
          if (out.length >= limit) return out;
        }
      }
    }
    const words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
    if (words.length === 0) return out;
    const hits: CodeEntry[] = [];
    for (const e of this.ordered) {
      if (seen.has(e.code)) continue;
      const d = e.description.toLowerCase();
      if (words.every((w) => d.includes(w))) hits.push(e);
    }
    hits.sort((a, b) => Number(b.billable) - Number(a.billable));
    for (const e of hits) {
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }
}
