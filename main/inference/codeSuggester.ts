/**
 * The CodeSuggester port: ICD-10 suggestions for one note revision, from the embedded model or a
 * SageMaker endpoint, saying which one answered and, after a fallback, why.
 */
import type { InvocationResult } from '../../cloud/serve/invocations.js';

export interface NoteRevision {
  readonly noteId: string;
  /** Changes whenever the text changes; suggestions are cached per (noteId, revision). */
  readonly revision: string | number;
  readonly text: string;
}

export type SuggestionSource = 'embedded' | 'sagemaker';
export type FallbackCause = 'model-error' | 'throttled' | 'unavailable' | 'timeout' | 'bad-response';

export interface SuggestionResult {
  readonly codes: InvocationResult['codes'];
  readonly procedures: InvocationResult['procedures'];
  /** Why the note got no suggestions on purpose (empty, too large, binary, not English). */
  readonly reason?: string;
  readonly source: SuggestionSource;
  readonly modelVersion: string;
  /** The production variant that answered (SageMaker only). */
  readonly variant?: string;
  /** Set when SageMaker was asked but the embedded model answered. */
  readonly fallback?: { readonly cause: FallbackCause; readonly detail: string };
  readonly cached: boolean;
}

export interface CodeSuggester {
  readonly kind: SuggestionSource;
  suggest(note: NoteRevision): Promise<SuggestionResult>;
  /** What status.summary shows. */
  describe(): { source: SuggestionSource; version: string };
  dispose(): Promise<void>;
}

/** A small LRU of results keyed by note revision. */
export class RevisionCache {
  private readonly map = new Map<string, SuggestionResult>();

  constructor(private readonly capacity = 200) {}

  static key(note: NoteRevision): string {
    return `${note.noteId}\u0000${String(note.revision)}`;
  }

  get(note: NoteRevision): SuggestionResult | undefined {
    const k = RevisionCache.key(note);
    const v = this.map.get(k);
    if (v) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }

  set(note: NoteRevision, value: SuggestionResult): void {
    const k = RevisionCache.key(note);
    this.map.delete(k);
    this.map.set(k, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}
