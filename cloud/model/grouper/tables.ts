/**
 * MS-DRG v41.1 definitions tables as shipped in `resources/msdrg/` (built by scripts/build-msdrg.ts from
 * the CMS appendix tables; US government work, public domain). Plain TypeScript: no Node APIs here;
 * `node.ts` reads the file from disk.
 */
import { z } from 'zod';

export const MSDRG_FILE = 'msdrg-v41.1.json.gz';

const Code = z.string().min(3).max(8);

/** The shipped JSON, validated at load: it is a file, so a trust boundary. */
export const MsDrgDataSchema = z
  .object({
    version: z.string(),
    attribution: z.string(),
    /** Appendix A: [drg, mdc ('' for pre-MDC / ungroupable), 'M' | 'P' | '', title]. */
    drgs: z.array(z.tuple([z.string().regex(/^\d{3}$/), z.string(), z.string(), z.string()])),
    /** Appendix B: principal dx -> [[mdc, drg range ("193-195", "791", "927,933")], ...] in table order. */
    dx: z.record(Code, z.array(z.tuple([z.string(), z.string()]))),
    /** Appendices G/H with C: dx -> [level, principal-dx exclusion collection, or null for Appendix C's "No Exc"]. */
    cc: z.record(Code, z.tuple([z.enum(['CC', 'MCC']), z.string().nullable()])),
    /** Appendix C: exclusion collection -> principal dx codes that exclude the CC/MCC. */
    collections: z.record(z.string(), z.array(Code)),
    /** Medicare Code Editor: [dx, group ('Age' | 'Sex' | 'Other'), rule text]. */
    mce: z.array(z.tuple([Code, z.string(), z.string()])),
    /** Appendix D: [mdc, mdc description, surgical DRG group, description] in hierarchy order. */
    surgicalHierarchy: z.array(z.tuple([z.string(), z.string(), z.string(), z.string()])),
  })
  .strict();

export type MsDrgData = z.infer<typeof MsDrgDataSchema>;

export type DrgType = 'medical' | 'surgical' | 'other';

export interface DrgInfo {
  readonly drg: string;
  /** Two-digit MDC, or null for pre-MDC and ungroupable DRGs. */
  readonly mdc: string | null;
  readonly type: DrgType;
  readonly title: string;
}

export interface DxCandidate {
  /** Two-digit MDC or "Pre". */
  readonly mdc: string;
  /** The range text as in Appendix B. */
  readonly range: string;
  /** DRGs the range covers, in number order. */
  readonly drgs: readonly DrgInfo[];
  readonly type: DrgType;
}

export interface CcInfo {
  readonly level: 'CC' | 'MCC';
  /** Null when Appendix C says no principal diagnosis excludes this code ("No Exc"). */
  readonly collection: string | null;
}

export interface MceEdit {
  readonly code: string;
  readonly group: string;
  readonly rule: string;
}

export interface SurgicalGroup {
  readonly mdc: string;
  readonly mdcDescription: string;
  readonly drgGroup: string;
  readonly description: string;
}

/** Upper case without dots or spaces. */
export function undot(code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase();
}

/** The tables indexed for grouping; build once, reuse for every encounter. */
export class MsDrgTables {
  readonly version: string;
  readonly attribution: string;
  private readonly drgByNumber = new Map<string, DrgInfo>();
  private readonly dxByCode = new Map<string, readonly DxCandidate[]>();
  private readonly ccByCode = new Map<string, CcInfo>();
  private readonly collectionSets = new Map<string, ReadonlySet<string>>();
  private readonly mceByCode = new Map<string, MceEdit[]>();
  private readonly hierarchy: readonly SurgicalGroup[];
  private readonly sortedDrgs: readonly DrgInfo[];

  private constructor(data: MsDrgData) {
    this.version = data.version;
    this.attribution = data.attribution;
    for (const [drg, mdc, abb, title] of data.drgs) {
      this.drgByNumber.set(drg, { drg, mdc: mdc === '' ? null : mdc, type: abb === 'M' ? 'medical' : abb === 'P' ? 'surgical' : 'other', title });
    }
    this.sortedDrgs = [...this.drgByNumber.values()].sort((a, b) => a.drg.localeCompare(b.drg));
    for (const [code, rows] of Object.entries(data.dx)) {
      this.dxByCode.set(
        undot(code),
        rows.map(([mdc, range]) => {
          const drgs = this.expandRange(range);
          const first = drgs[0];
          return { mdc, range, drgs, type: first ? first.type : 'other' };
        }),
      );
    }
    for (const [code, [level, collection]] of Object.entries(data.cc)) this.ccByCode.set(undot(code), { level, collection });
    for (const [id, codes] of Object.entries(data.collections)) this.collectionSets.set(id, new Set(codes.map(undot)));
    for (const [code, group, rule] of data.mce) {
      const key = undot(code);
      const list = this.mceByCode.get(key) ?? [];
      list.push({ code, group, rule });
      this.mceByCode.set(key, list);
    }
    this.hierarchy = data.surgicalHierarchy.map(([mdc, mdcDescription, drgGroup, description]) => ({ mdc, mdcDescription, drgGroup, description }));
  }

  /** Validates the shipped JSON and indexes it. Throws a ZodError naming the first bad field. */
  static fromJson(json: unknown): MsDrgTables {
    return new MsDrgTables(MsDrgDataSchema.parse(json));
  }

  drg(drg: string): DrgInfo | undefined {
    return this.drgByNumber.get(drg);
  }

  /**
   * Appendix B rows for a principal diagnosis (empty when the code is not a valid principal dx there).
   * The shipped Appendix B lists many codes by a prefix that stands for all their 7th-character
   * extensions ("T38.6X"), so the longest listed prefix of the code answers.
   */
  dxCandidates(code: string): readonly DxCandidate[] {
    const c = undot(code);
    for (let n = c.length; n >= 3; n--) {
      const rows = this.dxByCode.get(c.slice(0, n));
      if (rows) return rows;
    }
    return [];
  }

  ccLevel(code: string): CcInfo | undefined {
    return this.ccByCode.get(undot(code));
  }

  /** Whether the principal diagnosis is in the exclusion collection (exact code or a listed prefix of it). */
  collectionExcludes(collection: string, principal: string): boolean {
    const set = this.collectionSets.get(collection);
    if (!set) return false;
    const p = undot(principal);
    for (let n = p.length; n >= 3; n--) if (set.has(p.slice(0, n))) return true;
    return false;
  }

  mceEdits(code: string): readonly MceEdit[] {
    return this.mceByCode.get(undot(code)) ?? [];
  }

  /** Appendix D surgical DRG groups of an MDC, in hierarchy order. */
  surgicalGroups(mdc: string): readonly SurgicalGroup[] {
    return this.hierarchy.filter((g) => g.mdc === mdc);
  }

  /** "193-195" -> 193, 194, 195 (only DRGs in Appendix A); "927,933" -> 927, 933. */
  private expandRange(range: string): DrgInfo[] {
    const out: DrgInfo[] = [];
    for (const part of range.split(',')) {
      const [lo, hi] = part.trim().split('-');
      if (!lo) continue;
      const from = lo.padStart(3, '0');
      const to = (hi ?? lo).padStart(3, '0');
      for (const d of this.sortedDrgs) if (d.drg >= from && d.drg <= to) out.push(d);
    }
    return out;
  }
}
