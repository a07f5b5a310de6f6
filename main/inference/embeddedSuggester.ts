import { InvocationResult } from '../../cloud/serve/invocations.js';
import { ScoringPool } from '../../cloud/serve/scoringPool.js';
import { RevisionCache, type CodeSuggester, type NoteRevision, type SuggestionResult } from './codeSuggester.js';

/**
 * The model shipped with the app (resources/model), run in a worker thread so scoring never blocks
 * the main event loop. Results are cached per note revision.
 */
export class EmbeddedSuggester implements CodeSuggester {
  readonly kind = 'embedded' as const;
  private pool: ScoringPool | undefined;
  private version = 'loading';
  private readonly cache: RevisionCache;

  constructor(
    private readonly artifactPath: string,
    options: { cacheSize?: number } = {},
  ) {
    this.cache = new RevisionCache(options.cacheSize ?? 200);
  }

  /** Starts the worker and loads the model (also done by the first suggest). */
  async load(): Promise<{ version: string; checksum: string }> {
    this.pool ??= new ScoringPool(this.artifactPath);
    const info = await this.pool.ready;
    this.version = info.version;
    return info;
  }

  async suggest(note: NoteRevision): Promise<SuggestionResult> {
    const hit = this.cache.get(note);
    if (hit) return { ...hit, cached: true };
    await this.load();
    const r = await this.pool!.score(JSON.stringify({ text: note.text }));
    if (r.status !== 200) throw new Error(`embedded model failed: ${r.body}`);
    const parsed = InvocationResult.parse(JSON.parse(r.body));
    const result: SuggestionResult = {
      codes: parsed.codes,
      procedures: parsed.procedures,
      ...(parsed.reason ? { reason: parsed.reason } : {}),
      source: 'embedded',
      modelVersion: parsed.modelVersion,
      cached: false,
    };
    this.cache.set(note, result);
    return result;
  }

  describe(): { source: 'embedded'; version: string } {
    return { source: 'embedded', version: this.version };
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
