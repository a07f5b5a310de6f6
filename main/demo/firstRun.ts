import type { CodeSuggester } from '../inference/codeSuggester.js';
import type { Services } from '../services.js';
import type { NoteRecord, SuggestionRecord } from '../worklist/worklist.js';
import { ensureDemoImaging } from './demoImaging.js';
import { readDemoPack } from './demoPack.js';
import { buildDemoEncounters } from './demoSeed.js';

export const DEMO_ENCOUNTERS = 250;
/** Suggestions kept per note: what a coder reviews, not the model's whole ranking. */
const TOP_DIAGNOSES = 12;
const TOP_PROCEDURES = 4;

/**
 * The embedded demo on first run: with the local warehouse configured and nothing in the store yet,
 * seeds the synthetic encounters (CodiEsp case reports the model never trained on) with the embedded
 * model's suggestions. Returns how many encounters were added (0 when the store already had work).
 */
export async function ensureDemoData(services: Services, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  if (services.settings.get('warehouse.kind') !== 'local') return 0;
  // The demo CT goes into the image library on its own terms (an empty library), whatever the worklist holds.
  await ensureDemoImaging(services);
  const worklist = await services.worklist;
  const counts = worklist.counts();
  if (counts.readOnly || Object.values(counts.byStatus).some((n) => n > 0)) return 0;

  const batch = buildDemoEncounters(readDemoPack(services.env.resourcesDir), { seed: 1, encounters: DEMO_ENCOUNTERS, todayMs: Date.now() });
  const suggestions = await suggestAll(services.codeSuggester, batch.notes, progress);
  const confidence = new Map<string, number>();
  for (const s of suggestions) confidence.set(s.encounterId, Math.max(confidence.get(s.encounterId) ?? 0, s.score));
  const encounters = batch.encounters.map((e) => ({ ...e, modelConfidence: confidence.get(e.id) ?? null }));
  worklist.ingest({ encounters, notes: batch.notes, suggestions }, { synthetic: true });
  services.log.info('demo.seeded', { encounters: encounters.length, suggestions: suggestions.length });
  return encounters.length;
}

async function suggestAll(suggester: CodeSuggester, notes: readonly NoteRecord[], progress: (done: number, total: number) => void): Promise<SuggestionRecord[]> {
  const out: SuggestionRecord[] = [];
  for (const [i, note] of notes.entries()) {
    const result = await suggester.suggest({ noteId: note.id, revision: 0, text: note.text });
    const keep = (list: typeof result.codes, system: SuggestionRecord['system'], top: number) =>
      list.slice(0, top).map((s) => ({
        encounterId: note.encounterId,
        code: s.code,
        system,
        score: s.score,
        evidence: s.evidence.map(([start, end]) => ({ noteId: note.id, start, end })),
        modelVersion: result.modelVersion,
      }));
    out.push(...keep(result.codes, 'ICD-10-CM', TOP_DIAGNOSES), ...keep(result.procedures, 'ICD-10-PCS', TOP_PROCEDURES));
    if ((i + 1) % 25 === 0 || i + 1 === notes.length) progress(i + 1, notes.length);
  }
  return out;
}
