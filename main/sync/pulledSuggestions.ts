import type { CodeSuggester } from '../inference/codeSuggester.js';
import type { Logger } from '../log/logger.js';
import type { PriorityInputs } from '../worklist/priority.js';
import { priorityWriter, type OfflineStorePort } from './offlineStoreSync.js';

/** Suggestions kept per note: what a coder reviews, not the model's whole ranking. */
const TOP_DIAGNOSES = 12;
const TOP_PROCEDURES = 4;
/** Encounters written (and announced to the worklist) together. */
const CHUNK = 10;
/**
 * Pulled, assigned, unsubmitted encounters with notes and no model score yet. Named index: without
 * statistics SQLite would walk every assigned encounter by priority instead of migration 0006's partial
 * index, which holds only the unscored ones.
 */
export const AWAITING_SUGGESTIONS_SQL = `SELECT id FROM encounters INDEXED BY encounters_awaiting_suggestions WHERE server_revision > 0 AND model_confidence IS NULL AND assigned = 1 AND status != 'submitted'
  AND EXISTS (SELECT 1 FROM notes WHERE notes.encounter_id = encounters.id)
  ORDER BY priority DESC, id`;

export interface SuggestingProgress {
  readonly done: number;
  readonly total: number;
}

interface PendingNote {
  id: string;
  text: string;
  server_revision: number;
}

/**
 * The model's suggestions for pulled encounters it has not seen (`model_confidence IS NULL`: new from
 * the warehouse, or a note changed under them). Runs in the background after a sync, one note at a time
 * through the suggester (a worker thread or SageMaker), writing a few encounters per short transaction,
 * so the worklist stays responsive and fills in as they land; each written encounter's priority is
 * recomputed, since it counts model confidence. Encounters loaded by `ingest` (server revision 0) are
 * left alone: whoever loaded them brought their suggestions.
 */
export class PulledSuggestions {
  private running: Promise<number> | undefined;
  private again = false;
  private progress: SuggestingProgress | null = null;
  private readonly listeners = new Set<(progress: SuggestingProgress | null) => void>();

  constructor(
    private readonly o: {
      readonly store: OfflineStorePort;
      /** Called only when there is work, so the model loads only then. */
      readonly suggester: () => CodeSuggester;
      readonly priorityOf: (inputs: PriorityInputs) => number;
      readonly log: Logger;
    },
  ) {}

  current(): SuggestingProgress | null {
    return this.progress;
  }

  onProgress(listener: (progress: SuggestingProgress | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Suggests for every waiting encounter; while a run is going, queues one more after it. Resolves with how many were done. */
  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running.then(() => this.running ?? 0);
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.run().catch((error: unknown) => this.o.log.warn('suggest.pulled_failed', { error: error as Error }));
      }
    });
    return this.running;
  }

  private waiting(): string[] {
    return this.o.store.db
      .prepare<[], { id: string }>(AWAITING_SUGGESTIONS_SQL)
      .all()
      .map((r) => r.id);
  }

  private async drain(): Promise<number> {
    const ids = this.waiting();
    if (ids.length === 0) return 0;
    const suggester = this.o.suggester();
    const notesOf = this.o.store.db.prepare<[string], PendingNote>('SELECT id, text, server_revision FROM notes WHERE encounter_id = ? ORDER BY rowid');
    let done = 0;
    this.report({ done, total: ids.length });
    try {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk: { encounterId: string; notes: PendingNote[]; rows: SuggestionRow[] }[] = [];
        for (const encounterId of ids.slice(i, i + CHUNK)) {
          const notes = notesOf.all(encounterId);
          const rows: SuggestionRow[] = [];
          for (const note of notes) rows.push(...(await suggestNote(suggester, note)));
          chunk.push({ encounterId, notes, rows });
        }
        this.write(chunk);
        done += chunk.length;
        this.report({ done, total: ids.length });
      }
    } finally {
      this.report(null);
    }
    this.o.log.info('suggest.pulled', { encounters: done });
    return done;
  }

  /** Stores a chunk's suggestions, skipping an encounter whose notes changed (or were seen) while the model ran. */
  private write(chunk: readonly { encounterId: string; notes: readonly PendingNote[]; rows: readonly SuggestionRow[] }[]): void {
    const { store } = this.o;
    const written = store.write(() => {
      const db = store.db;
      const now = store.now();
      const unchanged = db.prepare<[string], { revisions: string | null; unseen: number }>(
        `SELECT (SELECT group_concat(id || ':' || server_revision) FROM (SELECT id, server_revision FROM notes WHERE encounter_id = e.id ORDER BY rowid)) AS revisions,
           e.model_confidence IS NULL AS unseen
         FROM encounters e WHERE e.id = ?`,
      );
      const insert = db.prepare('INSERT INTO suggestions (encounter_id, code, code_system, score, evidence, model_version, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const confidence = db.prepare('UPDATE encounters SET model_confidence = ? WHERE id = ?');
      const setPriority = priorityWriter(db, this.o.priorityOf, now);
      const ids: string[] = [];
      for (const { encounterId, notes, rows } of chunk) {
        const state = unchanged.get(encounterId);
        if (!state?.unseen || state.revisions !== notes.map((n) => `${n.id}:${n.server_revision}`).join(',')) continue;
        for (const r of rows) insert.run(encounterId, r.code, r.system, r.score, JSON.stringify(r.evidence), r.modelVersion, now);
        // Seen by the model: its best score, or 0 when it found nothing (a human is needed all the more).
        confidence.run(rows.reduce((best, r) => Math.max(best, r.score), 0), encounterId);
        setPriority(encounterId);
        ids.push(encounterId);
      }
      return ids;
    });
    if (written.length > 0) store.notifyChange(written);
  }

  private report(progress: SuggestingProgress | null): void {
    this.progress = progress;
    for (const listener of this.listeners) listener(progress);
  }
}

interface SuggestionRow {
  code: string;
  system: 'ICD-10-CM' | 'ICD-10-PCS';
  score: number;
  evidence: { noteId: string; start: number; end: number }[];
  modelVersion: string;
}

async function suggestNote(suggester: CodeSuggester, note: PendingNote): Promise<SuggestionRow[]> {
  const result = await suggester.suggest({ noteId: note.id, revision: note.server_revision, text: note.text });
  const keep = (list: typeof result.codes, system: SuggestionRow['system'], top: number) =>
    list.slice(0, top).map((s) => ({
      code: s.code,
      system,
      score: s.score,
      evidence: s.evidence.map(([start, end]) => ({ noteId: note.id, start, end })),
      modelVersion: result.modelVersion,
    }));
  return [...keep(result.codes, 'ICD-10-CM', TOP_DIAGNOSES), ...keep(result.procedures, 'ICD-10-PCS', TOP_PROCEDURES)];
}
