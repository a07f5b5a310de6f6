/**
 * MS-DRG v41.1 medical grouping from the CMS definitions tables: principal diagnosis -> MDC and medical
 * DRG family (Appendix B), CC/MCC severity from secondary diagnoses (Appendices G/H) unless the principal
 * is in the code's exclusion collection (Appendix C). What the tables here cannot decide is said in
 * `notes`, never guessed: surgical DRGs (no ICD-10-PCS -> DRG / O.R. designation table), pre-MDC
 * transplant/ECMO/tracheostomy DRGs, multiple significant trauma (MDC 24), newborn DRGs (MDC 15) and
 * family splits that depend on procedures or drugs.
 */
import type { CcInfo, DrgInfo, DxCandidate, MsDrgTables, SurgicalGroup } from './tables.js';
import { undot } from './tables.js';
import type { DrgWeight, DrgWeights } from './weights.js';

export type Sex = 'M' | 'F' | 'U';
export type Tier = 'MCC' | 'CC' | 'none';

/** Anything that can say whether a code exists and is billable (the shared `CodeSet` fits). */
export interface CodeLookup {
  get(code: string): { readonly code: string; readonly billable: boolean; readonly description: string } | undefined;
}

export interface CodedEncounter {
  readonly principal: string | null;
  readonly secondaries: readonly string[];
  readonly procedures: readonly string[];
  readonly age?: number | null;
  readonly sex?: Sex | null;
  readonly dischargeStatus?: 'alive' | 'expired' | null;
}

export interface GroupOptions {
  readonly diagnoses?: CodeLookup;
  readonly procedures?: CodeLookup;
  readonly weights?: DrgWeights | null;
}

export type SecondaryStatus = 'counts' | 'excluded' | 'not-cc' | 'duplicate-of-principal' | 'invalid';

export interface SecondaryAssessment {
  readonly code: string;
  readonly level: 'CC' | 'MCC' | null;
  readonly status: SecondaryStatus;
  /** The Appendix C collection that excluded it (status 'excluded'). */
  readonly exclusionCollection: string | null;
}

export interface DrgRef {
  readonly drg: string;
  readonly title: string;
}

export interface WhatIf {
  readonly change: string;
  readonly drg: string;
  readonly title: string;
}

export interface GroupProblem {
  readonly code: string | null;
  readonly kind: 'missing-principal' | 'unknown-code' | 'not-billable' | 'invalid-principal' | 'unknown-procedure';
  readonly message: string;
}

export type GroupStatus =
  /** A medical DRG from the tables; no procedures were given. */
  | 'grouped'
  /** A medical DRG, but procedures were given and whether any is an O.R. procedure cannot be decided here. */
  | 'procedures-not-evaluated'
  /** The principal diagnosis is valid but only groups through logic not in these tables. */
  | 'unsupported'
  /** No DRG: missing or invalid principal diagnosis (DRG 999 / 998 where the tables say so). */
  | 'ungroupable';

export interface GroupResult {
  readonly status: GroupStatus;
  readonly drg: (DrgRef & { readonly type: DrgInfo['type'] }) | null;
  readonly mdc: { readonly code: string; readonly description: string | null } | null;
  readonly tier: Tier | null;
  /** The DRG family the principal diagnosis selects, with the tier each DRG stands for. */
  readonly family: (DrgRef & { readonly tiers: Tier[] })[];
  /** The principal diagnosis drives MDC and family; `severity` lists the secondary codes that set the tier. */
  readonly drivers: { readonly principal: string | null; readonly severity: string[] };
  readonly secondaries: SecondaryAssessment[];
  readonly whatIf: WhatIf[];
  readonly problems: GroupProblem[];
  /** Approximations and logic not applied, in words a coder can read. */
  readonly notes: string[];
  /** Surgical DRG groups of the MDC in hierarchy order (Appendix D), for the "O.R. procedure" question. */
  readonly surgicalGroups: SurgicalGroup[];
  /** Only when an administrator has loaded a weights table that lists this DRG. */
  readonly weight: DrgWeight | null;
}

const SPECIAL_MDCS = new Set(['Pre', '15', '24', '25']);
const CONDITIONAL_TITLE = /THROMBOLYTIC|CHEMOTHERAPY|AS SECONDARY DIAGNOSIS|VENTILATOR|ECMO|DIALYSIS|EXTENSIVE|O\.R\. PROCEDURE|IMPLANT/;
const SEVERITY_CLAUSE = /\s+(WITH|WITHOUT)\s+(MCC|CC\/MCC|CC)\b.*$/;
const TIER_RANK: Readonly<Record<Tier, number>> = { none: 0, CC: 1, MCC: 2 };

/** The severity tiers a DRG title stands for ("WITH MCC" -> MCC, "WITHOUT MCC" -> CC or none, ...). */
export function titleTiers(title: string): Tier[] {
  if (/\bWITHOUT CC\/MCC\b/.test(title)) return ['none'];
  if (/\bWITHOUT MCC\b/.test(title)) return ['CC', 'none'];
  if (/\bWITH CC\/MCC\b/.test(title)) return ['MCC', 'CC'];
  if (/\bWITH MCC\b/.test(title)) return ['MCC'];
  if (/\bWITH CC\b/.test(title)) return ['CC'];
  return ['MCC', 'CC', 'none'];
}

function baseTitle(title: string): string {
  return title.replace(SEVERITY_CLAUSE, '').trim();
}

export class MsDrgGrouper {
  private readonly mdcNames = new Map<string, string>();

  constructor(
    private readonly tables: MsDrgTables,
    private readonly options: GroupOptions = {},
  ) {
    for (const mdc of ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', '21', '22', '23', '24', '25']) {
      const g = tables.surgicalGroups(mdc)[0];
      if (g) this.mdcNames.set(mdc, g.mdcDescription);
    }
  }

  /** A grouper sharing these tables with another weights table (an administrator loaded or cleared one). */
  withWeights(weights: DrgWeights | null): MsDrgGrouper {
    return new MsDrgGrouper(this.tables, { ...this.options, weights });
  }

  group(input: CodedEncounter): GroupResult {
    const problems: GroupProblem[] = [];
    const notes: string[] = [];
    const principal = input.principal?.trim() ? input.principal.trim() : null;

    // Secondary and procedure validity first: they are reported whatever happens to the principal.
    const validSecondaries: string[] = [];
    const invalid = new Set<string>();
    for (const raw of input.secondaries) {
      const code = raw.trim();
      if (code === '') continue;
      const p = this.checkCode(code, this.options.diagnoses);
      if (p) {
        problems.push(p);
        invalid.add(code);
      } else validSecondaries.push(code);
    }
    const procedures = input.procedures.map((p) => p.trim()).filter((p) => p !== '');
    for (const code of procedures) {
      const p = this.checkCode(code, this.options.procedures);
      if (p) problems.push({ ...p, kind: 'unknown-procedure', message: `${code} is not a valid ICD-10-PCS code` });
    }

    if (principal === null) {
      problems.push({ code: null, kind: 'missing-principal', message: 'No principal diagnosis: the case cannot be grouped' });
      return this.ungroupable(input, problems, notes, invalid, '999');
    }
    const principalProblem = this.checkCode(principal, this.options.diagnoses);
    if (principalProblem) {
      problems.push({ ...principalProblem, kind: principalProblem.kind === 'not-billable' ? 'not-billable' : 'invalid-principal' });
      return this.ungroupable(input, problems, notes, invalid, '999');
    }

    const candidates = this.tables.dxCandidates(principal);
    if (candidates.length === 0) {
      problems.push({ code: principal, kind: 'invalid-principal', message: `${principal} is not indexed as a principal diagnosis in MS-DRG v41.1 (Appendix B)` });
      return this.ungroupable(input, problems, notes, invalid, '999');
    }
    if (candidates.every((c) => c.drgs.every((d) => d.drg === '998'))) {
      problems.push({ code: principal, kind: 'invalid-principal', message: `${principal} is not acceptable as a principal diagnosis (groups to DRG 998)` });
      return this.ungroupable(input, problems, notes, invalid, '998');
    }

    const chosen = this.chooseFamily(principal, candidates, validSecondaries, input, notes);
    const secondaries = this.assessSecondaries(principal, input.secondaries, invalid);
    const tier = highestTier(secondaries);
    const severity = secondaries.filter((s) => s.status === 'counts' && s.level === (tier === 'none' ? null : tier)).map((s) => s.code);
    if (!chosen) {
      return this.result('unsupported', null, null, tier, [], principal, severity, secondaries, [], problems, notes, input);
    }
    const { mdc, drgs } = chosen;
    const family = drgs.map((d) => ({ drg: d.drg, title: d.title, tiers: titleTiers(d.title) }));
    const pick = (t: Tier) => family.find((f) => f.tiers.includes(t)) ?? family[family.length - 1];
    const current = pick(tier);
    const whatIf: WhatIf[] = [];
    if (current) {
      for (const t of ['MCC', 'CC'] as const) {
        if (TIER_RANK[t] <= TIER_RANK[tier]) continue;
        const to = pick(t);
        if (to && to.drg !== current.drg && !whatIf.some((w) => w.drg === to.drg)) {
          whatIf.push({ change: `adding a${t === 'MCC' ? 'n' : ''} ${t} secondary diagnosis not excluded by ${principal}`, drg: to.drg, title: to.title });
        }
      }
      if (tier !== 'none' && severity.length === 1) {
        const without = highestTier(secondaries.filter((s) => s.code !== severity[0]));
        const to = pick(without);
        if (to && to.drg !== current.drg) whatIf.push({ change: `removing ${severity[0]} (the only ${tier})`, drg: to.drg, title: to.title });
      }
      if (procedures.length > 0 || chosen.surgical.length > 0) {
        const groups = this.tables.surgicalGroups(mdc).filter((g) => g.drgGroup !== '');
        if (groups.length > 0) {
          notes.push(`An operating-room procedure would move the case to a surgical DRG of MDC ${mdc} (${groups.length} surgical groups in the Appendix D hierarchy); which one needs the ICD-10-PCS to DRG tables, not shipped.`);
        }
      }
    }
    const status: GroupStatus = procedures.length > 0 ? 'procedures-not-evaluated' : 'grouped';
    if (status === 'procedures-not-evaluated') {
      notes.push(
        'Procedures were coded, but the operating-room designation and ICD-10-PCS to surgical DRG mapping are not in the shipped tables: the DRG shown is the medical DRG, correct only if no procedure is an O.R. procedure.',
      );
    }
    return this.result(status, current ?? null, mdc, tier, family, principal, severity, secondaries, whatIf, problems, notes, input);
  }

  private result(
    status: GroupStatus,
    drg: { drg: string; title: string } | null,
    mdc: string | null,
    tier: Tier | null,
    family: GroupResult['family'],
    principal: string | null,
    severity: string[],
    secondaries: SecondaryAssessment[],
    whatIf: WhatIf[],
    problems: GroupProblem[],
    notes: string[],
    input: CodedEncounter,
  ): GroupResult {
    const info = drg ? this.tables.drg(drg.drg) : undefined;
    const mdcCode = mdc ?? info?.mdc ?? null;
    void input;
    return {
      status,
      drg: info ? { drg: info.drg, title: info.title, type: info.type } : null,
      mdc: mdcCode ? { code: mdcCode, description: this.mdcNames.get(mdcCode === 'Pre' ? '00' : mdcCode) ?? null } : null,
      tier,
      family,
      drivers: { principal, severity },
      secondaries,
      whatIf,
      problems,
      notes,
      surgicalGroups: mdcCode ? this.tables.surgicalGroups(mdcCode).filter((g) => g.drgGroup !== '') : [],
      weight: info ? (this.options.weights?.get(info.drg) ?? null) : null,
    };
  }

  private ungroupable(input: CodedEncounter, problems: GroupProblem[], notes: string[], invalid: ReadonlySet<string>, drg: '998' | '999'): GroupResult {
    const principal = input.principal?.trim() || null;
    const secondaries = principal ? this.assessSecondaries(principal, input.secondaries, invalid) : input.secondaries.map((c) => this.levelOnly(c, invalid));
    const info = this.tables.drg(drg);
    return this.result('ungroupable', info ?? null, null, null, [], principal, [], secondaries, [], problems, notes, input);
  }

  private levelOnly(code: string, invalid: ReadonlySet<string>): SecondaryAssessment {
    const cc = this.tables.ccLevel(code);
    return { code, level: cc?.level ?? null, status: invalid.has(code) ? 'invalid' : cc ? 'counts' : 'not-cc', exclusionCollection: null };
  }

  private checkCode(code: string, lookup: CodeLookup | undefined): GroupProblem | null {
    if (!lookup) return null;
    const e = lookup.get(code);
    if (!e) return { code, kind: 'unknown-code', message: `${code} is not an ICD-10-CM FY2024 code` };
    if (!e.billable) return { code, kind: 'not-billable', message: `${e.code} is a category header, not a billable code: choose a more specific code` };
    return null;
  }

  private assessSecondaries(principal: string, codes: readonly string[], invalid: ReadonlySet<string>): SecondaryAssessment[] {
    const p = undot(principal);
    const out: SecondaryAssessment[] = [];
    for (const raw of codes) {
      const code = raw.trim();
      if (code === '') continue;
      const cc: CcInfo | undefined = this.tables.ccLevel(code);
      const level = cc?.level ?? null;
      if (invalid.has(code)) out.push({ code, level, status: 'invalid', exclusionCollection: null });
      else if (undot(code) === p) out.push({ code, level, status: 'duplicate-of-principal', exclusionCollection: null });
      else if (!cc) out.push({ code, level: null, status: 'not-cc', exclusionCollection: null });
      else if (cc.collection !== null && this.tables.collectionExcludes(cc.collection, principal)) out.push({ code, level, status: 'excluded', exclusionCollection: cc.collection });
      else out.push({ code, level, status: 'counts', exclusionCollection: null });
    }
    return out;
  }

  /**
   * Picks the MDC and medical DRG family. Ordinary MDCs first; MDC 25 (HIV) when the principal is HIV or
   * an HIV secondary is coded; pre-MDC, newborn (15) and multiple trauma (24) only noted.
   */
  private chooseFamily(
    principal: string,
    candidates: readonly DxCandidate[],
    secondaries: readonly string[],
    input: CodedEncounter,
    notes: string[],
  ): { mdc: string; drgs: DrgInfo[]; surgical: DrgInfo[] } | null {
    const medical = (c: DxCandidate) => c.drgs.filter((d) => d.type === 'medical');
    const hiv = secondaries.some((s) => undot(s) === 'B20');
    const isHivPrincipal = undot(principal) === 'B20';
    const surgical = candidates.flatMap((c) => c.drgs.filter((d) => d.type === 'surgical'));
    if (candidates.some((c) => c.mdc === '24')) notes.push('Multiple significant trauma (MDC 24) needs body-site trauma categories not in these tables; not evaluated.');
    if (candidates.some((c) => c.mdc === 'Pre')) notes.push('Pre-MDC DRGs (transplants, ECMO, tracheostomy, CAR-T) depend on procedures; not evaluated.');
    if (candidates.some((c) => c.mdc === '15') && input.age === 0) notes.push('Newborn DRGs (MDC 15) depend on birth weight and major-problem logic; not evaluated.');

    let pool: DxCandidate[];
    if (isHivPrincipal) {
      // B20 principal: 974-976 with a major related condition coded, 977 otherwise.
      const major = secondaries.some((s) => this.tables.dxCandidates(s).some((c) => c.mdc === '25' && c.drgs.some((d) => d.drg === '974')));
      const drgs = candidates.flatMap(medical).filter((d) => (major ? ['974', '975', '976'] : ['977']).includes(d.drg));
      const unique = [...new Map(drgs.map((d) => [d.drg, d])).values()];
      if (unique.length > 0) {
        notes.push('HIV: related-condition split (974-976 vs 977) read from whether a secondary is indexed to 974-976 in Appendix B.');
        return { mdc: '25', drgs: unique, surgical };
      }
      pool = [];
    } else if (hiv && candidates.some((c) => c.mdc === '25' && medical(c).length > 0)) {
      pool = candidates.filter((c) => c.mdc === '25' && medical(c).length > 0);
    } else {
      pool = candidates.filter((c) => !SPECIAL_MDCS.has(c.mdc) && medical(c).length > 0);
    }
    if (pool.length === 0) {
      const newborn = candidates.filter((c) => c.mdc === '15' && medical(c).length > 0);
      if (newborn.length > 0 && candidates.every((c) => c.mdc === '15')) {
        notes.push('Newborn (MDC 15) principal diagnosis: the DRG depends on birth weight and major-problem logic not in these tables.');
      } else {
        notes.push(`${principal} groups only through surgical, pre-MDC or special logic (${candidates.map((c) => `MDC ${c.mdc} ${c.range}`).join('; ')}) that these tables do not support.`);
      }
      return null;
    }
    // Sex-specific MDCs (12 male, 13 female).
    if (pool.some((c) => c.mdc === '12') && pool.some((c) => c.mdc === '13')) {
      if (input.sex === 'M') pool = pool.filter((c) => c.mdc !== '13');
      else if (input.sex === 'F') pool = pool.filter((c) => c.mdc !== '12');
      else notes.push(`${principal} groups to MDC 12 (male) or 13 (female) by sex; sex unknown, MDC ${pool[0]?.mdc} assumed.`);
    }
    // Families whose title names a procedure, drug or secondary-diagnosis condition come last.
    const ranked = [...pool].sort((a, b) => Number(CONDITIONAL_TITLE.test(medical(a)[0]?.title ?? '')) - Number(CONDITIONAL_TITLE.test(medical(b)[0]?.title ?? '')));
    const first = ranked[0];
    if (!first) return null;
    for (const alt of ranked.slice(1)) {
      const m = medical(alt);
      notes.push(`${principal} is also indexed to MDC ${alt.mdc} DRG ${alt.range} (${baseTitle(m[0]?.title ?? '')}), which depends on logic not in these tables; not chosen.`);
    }
    let drgs = medical(first);
    // A range may hold several families (e.g. AMI discharged alive / expired): split by title without the severity clause.
    const bases = [...new Set(drgs.map((d) => baseTitle(d.title)))];
    if (bases.length > 1) {
      let base = bases[0];
      const expired = bases.find((b) => /EXPIRED/.test(b));
      const alive = bases.find((b) => /ALIVE/.test(b));
      if (expired && alive) {
        base = input.dischargeStatus === 'expired' ? expired : alive;
        if (!input.dischargeStatus) notes.push('Discharge status unknown: discharged alive assumed.');
      } else {
        notes.push(`DRG range ${first.range} splits into ${bases.join(' / ')}; the split's logic is not in these tables, first family assumed.`);
      }
      drgs = drgs.filter((d) => baseTitle(d.title) === base);
    }
    return { mdc: first.mdc, drgs, surgical };
  }
}

function highestTier(secondaries: readonly SecondaryAssessment[]): Tier {
  let tier: Tier = 'none';
  for (const s of secondaries) {
    if (s.status !== 'counts' || s.level === null) continue;
    if (TIER_RANK[s.level] > TIER_RANK[tier]) tier = s.level;
  }
  return tier;
}
