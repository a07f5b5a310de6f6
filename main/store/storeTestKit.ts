import { join } from 'node:path';
import { FileKeySealer } from '../security/secretSealer.js';
import type { EncounterRecord, NoteRecord } from '../worklist/worklist.js';
import { Store, type StoreOptions } from './store.js';

/** Test support: a store in `dir` sealed by a file key in the same folder. */
export function testStoreOptions(dir: string, extra: Partial<StoreOptions> = {}): StoreOptions {
  return { file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir), ...extra };
}

export function openTestStore(dir: string, extra: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open(testStoreOptions(dir, extra));
}

const FACILITIES = ['North', 'South', 'East'];
const PAYERS = ['Medicare', 'Medicaid', 'Commercial', 'Self-pay'];
const LINES = ['Medicine', 'Surgery', 'Cardiology', 'Oncology'];

/** Deterministic synthetic encounters for tests (dates relative to 2026-01-01). */
export function sampleEncounters(n: number, prefix = 'E'): EncounterRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const discharge = new Date(Date.UTC(2026, 0, 1) - ((i * 7) % 40) * 86_400_000).toISOString().slice(0, 10);
    return {
      id: `${prefix}${String(i).padStart(6, '0')}`,
      mrn: `MRN${i}`,
      patientName: `Synthetic Patient ${i}`,
      sex: i % 2 ? 'F' : 'M',
      age: 20 + (i % 70),
      facility: FACILITIES[i % FACILITIES.length] as string,
      payer: PAYERS[i % PAYERS.length] as string,
      serviceLine: LINES[i % LINES.length] as string,
      admitDate: discharge,
      dischargeDate: discharge,
      disposition: 'home',
      dueDate: null,
      drgImpact: (i % 10) * 1000,
      modelConfidence: (i % 5) / 5,
    };
  });
}

export function sampleNotes(encounters: readonly EncounterRecord[]): NoteRecord[] {
  return encounters.map((e, i) => ({ id: `${e.id}-n1`, encounterId: e.id, kind: 'discharge_summary', text: `Patient admitted with ${i % 2 ? 'pneumonia' : 'sepsis'} and anemia. Case ${i}.` }));
}
