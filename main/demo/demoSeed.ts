import type { EncounterRecord, NoteRecord } from '../worklist/worklist.js';
import type { DemoPack } from './demoPack.js';
import { prng } from '../app/prng.js';


const FACILITIES = ['Atrium General', 'Northside Medical Center', 'Riverside Community Hospital'];
const PAYERS = ['Medicare', 'Medicaid', 'Commercial', 'Managed care', 'Self-pay'];
const DISPOSITIONS = ['Home', 'Home health', 'Skilled nursing facility', 'Rehabilitation', 'Expired', 'Transferred'];
const SERVICE_LINES: [RegExp, string][] = [
  [/\b(cardi|myocard|coronar|atrial|aort)/i, 'Cardiology'],
  [/\b(tumou?r|carcinom|lymphom|metasta|neoplas|sarcom)/i, 'Oncology'],
  [/\b(surg|resect|laparotom|laparoscop|excision|-ectomy|ectomy)\w*/i, 'Surgery'],
  [/\b(renal|kidney|urolog|bladder|prostat)/i, 'Nephrology & Urology'],
  [/\b(pregnan|obstetric|gestation|uter)/i, 'Women’s health'],
  [/\b(child|infant|newborn|pediatric)/i, 'Pediatrics'],
  [/\b(neuro|brain|seizure|stroke)/i, 'Neurology'],
];

function pick<T>(rand: () => number, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)] as T;
}

const FEMALE = /\b(woman|female|girl|lady|mother|pregnan\w*|primigravida|she)\b/i;
const MALE = /\b(man|male|boy|gentleman|he)\b/i;
const NEWBORN = /\b(newborn|neonate|born at term|preterm infant)\b/i;

/** Age and sex as the case report states them (so code edits on demo data are meaningful), else drawn. */
function ageAndSex(text: string, rand: () => number): { age: number; sex: 'F' | 'M' } {
  const opening = text.slice(0, 400);
  const years = /(\d{1,3})[- ]years?[- ]old|aged (\d{1,3})/i.exec(opening);
  const months = /(\d{1,2})[- ]months?[- ]old/i.exec(opening);
  const age = years ? Math.min(105, Number(years[1] ?? years[2])) : months || NEWBORN.test(opening) ? 0 : 18 + Math.floor(rand() * 70);
  const female = FEMALE.exec(opening);
  const male = MALE.exec(opening);
  const sex = female && (!male || female.index <= male.index) ? 'F' : male ? 'M' : rand() < 0.5 ? 'F' : 'M';
  return { age, sex };
}

export interface DemoBatch {
  encounters: EncounterRecord[];
  notes: NoteRecord[];
}

/**
 * Deterministic demo encounters: each takes one CodiEsp case report as its discharge summary (cycling
 * through the pack when more encounters than cases are asked for) and synthetic admission metadata.
 * Dates are relative to `todayMs`, so DNFB ages look real on any day; everything else depends only on the seed.
 */
export function buildDemoEncounters(pack: DemoPack, options: { seed: number; encounters: number; todayMs: number }): DemoBatch {
  const rand = prng(options.seed);
  const order = pack.cases.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const today = Math.floor(options.todayMs / 86_400_000);
  const encounters: EncounterRecord[] = [];
  const notes: NoteRecord[] = [];
  for (let n = 0; n < options.encounters; n++) {
    const c = pack.cases[order[n % order.length] as number]!;
    const id = `DEMO-${options.seed}-${String(n + 1).padStart(5, '0')}`;
    const { age, sex } = ageAndSex(c.text, rand);
    const dnfb = Math.floor(rand() * rand() * 45);
    const los = 1 + Math.floor(rand() * 12);
    const day = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    const discharge = today - dnfb;
    encounters.push({
      id,
      mrn: `DEMO${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`,
      patientName: `Demo Patient ${String(n + 1).padStart(4, '0')}`,
      sex,
      age,
      facility: pick(rand, FACILITIES),
      payer: pick(rand, PAYERS),
      serviceLine: SERVICE_LINES.find(([re]) => re.test(c.text))?.[1] ?? 'Internal medicine',
      admitDate: day(discharge - los),
      dischargeDate: day(discharge),
      disposition: pick(rand, DISPOSITIONS),
      dueDate: rand() < 0.2 ? day(discharge + 4 + Math.floor(rand() * 10)) : null,
      // No grouper estimate and no model score yet: the priority uses age, payer and due date.
      drgImpact: null,
      modelConfidence: null,
    });
    notes.push({ id: `${id}-ds`, encounterId: id, kind: `discharge_summary (CodiEsp ${c.id})`, text: c.text });
  }
  return { encounters, notes };
}
