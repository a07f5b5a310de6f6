/**
 * Medicare Code Editor (MCE v41.1) diagnosis edits from the CMS table: age conflicts (newborn 0, pediatric
 * 0-17, maternity 9-64, adult 15-124), sex conflicts (male only / female only), manifestation codes as
 * principal diagnosis; plus the edits that need only the coded list (invalid or non-billable code,
 * duplicate of the principal, missing principal). The shipped table has no "unacceptable principal
 * diagnosis" list, so that edit is not performed here.
 */
import type { CodeLookup, Sex } from './grouper.js';
import type { MsDrgTables } from './tables.js';
import { undot } from './tables.js';

export interface MceInput {
  readonly age?: number | null;
  readonly sex?: Sex | null;
  readonly principal: string | null;
  readonly secondaries: readonly string[];
  readonly procedures: readonly string[];
}

export type MceEditKind =
  | 'age-conflict'
  | 'sex-conflict'
  | 'manifestation-as-principal'
  | 'invalid-code'
  | 'not-billable'
  | 'duplicate-of-principal'
  | 'missing-principal'
  | 'other';

export interface MceWarning {
  readonly edit: MceEditKind;
  readonly code: string | null;
  readonly position: 'principal' | 'secondary' | 'procedure' | null;
  readonly message: string;
  /** The MCE table's rule text, when the warning comes from it. */
  readonly rule: string | null;
}

export interface MceOptions {
  readonly diagnoses?: CodeLookup;
  readonly procedures?: CodeLookup;
}

/** "Perinatal/Newborn (Age 0 Only)" -> [0, 0]; "Adult (Ages 15-124)" -> [15, 124]. */
export function ageRange(rule: string): readonly [number, number] | null {
  const m = /Ages?\s+(\d+)(?:\s*-\s*(\d+))?/i.exec(rule);
  if (!m?.[1]) return null;
  const lo = Number(m[1]);
  return [lo, m[2] ? Number(m[2]) : lo];
}

export function runMce(tables: MsDrgTables, input: MceInput, options: MceOptions = {}): MceWarning[] {
  const out: MceWarning[] = [];
  const principal = input.principal?.trim() || null;
  if (!principal) out.push({ edit: 'missing-principal', code: null, position: null, message: 'No principal diagnosis coded', rule: null });
  const dx: { code: string; position: 'principal' | 'secondary' }[] = [];
  if (principal) dx.push({ code: principal, position: 'principal' });
  const seen = new Set<string>();
  for (const raw of input.secondaries) {
    const code = raw.trim();
    if (code === '') continue;
    const key = undot(code);
    if (principal && key === undot(principal)) {
      out.push({ edit: 'duplicate-of-principal', code, position: 'secondary', message: `${code} repeats the principal diagnosis`, rule: null });
      continue;
    }
    if (seen.has(key)) {
      out.push({ edit: 'duplicate-of-principal', code, position: 'secondary', message: `${code} is coded more than once`, rule: null });
      continue;
    }
    seen.add(key);
    dx.push({ code, position: 'secondary' });
  }

  const age = typeof input.age === 'number' && Number.isFinite(input.age) ? input.age : null;
  const sex = input.sex === 'M' || input.sex === 'F' ? input.sex : null;
  for (const { code, position } of dx) {
    if (options.diagnoses) {
      const e = options.diagnoses.get(code);
      if (!e) {
        out.push({ edit: 'invalid-code', code, position, message: `${code} is not a valid ICD-10-CM FY2024 code`, rule: null });
        continue;
      }
      if (!e.billable) out.push({ edit: 'not-billable', code, position, message: `${e.code} is not a billable code (a more specific code is required)`, rule: null });
    }
    for (const edit of tables.mceEdits(code)) {
      if (edit.group === 'Age') {
        const range = ageRange(edit.rule);
        if (age === null || !range) continue;
        if (age < range[0] || age > range[1]) {
          out.push({ edit: 'age-conflict', code, position, message: `${code} is for ${edit.rule.toLowerCase()}; patient age ${age}`, rule: edit.rule });
        }
      } else if (edit.group === 'Sex') {
        const only = /female/i.test(edit.rule) ? 'F' : /male/i.test(edit.rule) ? 'M' : null;
        if (sex && only && sex !== only) {
          out.push({ edit: 'sex-conflict', code, position, message: `${code} is ${edit.rule.toLowerCase()}; patient sex ${sex}`, rule: edit.rule });
        }
      } else if (/manifestation/i.test(edit.rule)) {
        if (position === 'principal') {
          out.push({ edit: 'manifestation-as-principal', code, position, message: `${code} is a manifestation code and may not be the principal diagnosis; code the underlying condition first`, rule: edit.rule });
        }
      } else {
        out.push({ edit: 'other', code, position, message: `${code}: ${edit.rule}`, rule: edit.rule });
      }
    }
  }
  if (options.procedures) {
    for (const raw of input.procedures) {
      const code = raw.trim();
      if (code === '') continue;
      if (!options.procedures.get(code)?.billable) {
        out.push({ edit: 'invalid-code', code, position: 'procedure', message: `${code} is not a valid ICD-10-PCS FY2024 code`, rule: null });
      }
    }
  }
  return out;
}
