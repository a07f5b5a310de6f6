import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { FileKeySealer } from '../security/secretSealer.js';
import type { EncounterRecord, NoteRecord } from '../worklist/worklist.js';
import { Store, type StoreOptions } from './store.js';
import { loadStoreKey } from './storeKey.js';

/** Test support: a store in `dir` sealed by a file key in the same folder. */
export function testStoreOptions(dir: string, extra: Partial<StoreOptions> = {}): StoreOptions {
  return { file: join(dir, 'atrium.db'), sealer: new FileKeySealer(dir), ...extra };
}

export function openTestStore(dir: string, extra: Partial<StoreOptions> = {}): Promise<Store> {
  return Store.open(testStoreOptions(dir, extra));
}

/** Each store cipher's pragmas, written out here so tests check the file itself, not store.ts against itself. */
const RAW_CIPHERS = {
  aegis: (hexKey: string) => ["cipher = 'aegis'", `key = 'raw:${hexKey}'`],
  chacha20: (hexKey: string) => ["cipher = 'chacha20'", 'kdf_iter = 1', `hexkey = '${hexKey}'`],
} as const;

/** Starts a store in `dir` the way Atrium did before AEGIS: its first page written under ChaCha20 with the store's key. */
export async function createChaCha20Store(dir: string): Promise<void> {
  const { file, sealer } = testStoreOptions(dir);
  const key = await loadStoreKey(sealer, file, { create: true });
  const raw = new Database(file);
  for (const pragma of RAW_CIPHERS.chacha20(key.toString('hex'))) raw.pragma(pragma);
  raw.exec('CREATE TABLE made_before_aegis (x)');
  raw.close();
}

/** Which cipher opens the store in `dir` with its key, tried on a plain connection (not through Store). */
export async function cipherThatOpens(dir: string): Promise<keyof typeof RAW_CIPHERS | null> {
  const { file, sealer } = testStoreOptions(dir);
  const key = await loadStoreKey(sealer, file, { create: false });
  for (const [name, pragmas] of Object.entries(RAW_CIPHERS) as [keyof typeof RAW_CIPHERS, (hexKey: string) => string[]][]) {
    const raw = new Database(file, { readonly: true });
    try {
      for (const pragma of pragmas(key.toString('hex'))) raw.pragma(pragma);
      raw.prepare('SELECT count(*) FROM sqlite_master').get();
      return name;
    } catch {
      // not this one
    } finally {
      raw.close();
    }
  }
  return null;
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
