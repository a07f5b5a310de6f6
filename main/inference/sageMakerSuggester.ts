import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { InvocationResult } from '../../cloud/serve/invocations.js';
import type { Logger } from '../log/logger.js';
import { RevisionCache, type CodeSuggester, type FallbackCause, type NoteRevision, type SuggestionResult } from './codeSuggester.js';

export interface SageMakerSuggesterOptions {
  /** Made by `services.aws.create(SageMakerRuntimeClient, { endpoint, maxAttempts })`: the SDK retries throttling and 5xx itself. */
  readonly client: SageMakerRuntimeClient;
  readonly endpointName: string;
  readonly targetVariant?: string;
  /** Per call, all SDK attempts included. */
  readonly timeoutMs?: number;
  /** Answers whenever the endpoint cannot. */
  readonly fallback: CodeSuggester;
  readonly log?: Logger;
  readonly cacheSize?: number;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps an SDK failure to why we fell back. */
export function fallbackCause(error: unknown, timedOut: boolean): FallbackCause {
  if (timedOut) return 'timeout';
  const e = error as SdkError;
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'ModelError' || status === 424) return 'model-error';
  if (status === 429 || e.name === 'ThrottlingException' || e.name === 'ModelNotReadyException') return 'throttled';
  return 'unavailable';
}

/**
 * Suggestions from a SageMaker endpoint (InvokeEndpoint, JSON in and out), falling back to the
 * embedded model on ModelError (424), throttling (429), unavailability, timeouts and malformed answers.
 */
export class SageMakerSuggester implements CodeSuggester {
  readonly kind = 'sagemaker' as const;
  private readonly cache: RevisionCache;
  private lastVersion = 'unknown';

  constructor(private readonly options: SageMakerSuggesterOptions) {
    this.cache = new RevisionCache(options.cacheSize ?? 200);
  }

  async suggest(note: NoteRevision): Promise<SuggestionResult> {
    const hit = this.cache.get(note);
    if (hit) return { ...hit, cached: true };
    const { client, endpointName, targetVariant, timeoutMs = 8_000 } = this.options;
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const out = await client.send(
        new InvokeEndpointCommand({
          EndpointName: endpointName,
          ...(targetVariant ? { TargetVariant: targetVariant } : {}),
          ContentType: 'application/json',
          Accept: 'application/json',
          Body: new TextEncoder().encode(JSON.stringify({ text: note.text })),
        }),
        { abortSignal: abort.signal },
      );
      let parsed: InvocationResult;
      try {
        parsed = InvocationResult.parse(JSON.parse(new TextDecoder().decode(out.Body)));
      } catch (error) {
        return await this.fallBack(note, 'bad-response', `endpoint answered with an unexpected body: ${(error as Error).message.slice(0, 200)}`);
      }
      this.lastVersion = parsed.modelVersion;
      const result: SuggestionResult = {
        codes: parsed.codes,
        procedures: parsed.procedures,
        ...(parsed.reason ? { reason: parsed.reason } : {}),
        source: 'sagemaker',
        modelVersion: parsed.modelVersion,
        ...(out.InvokedProductionVariant ? { variant: out.InvokedProductionVariant } : {}),
        cached: false,
      };
      this.cache.set(note, result);
      return result;
    } catch (error) {
      const cause = fallbackCause(error, timedOut);
      const e = error as SdkError;
      const detail = cause === 'timeout' ? `no answer within ${timeoutMs} ms` : `${e.name ?? 'Error'}${e.$metadata?.httpStatusCode ? ` (${e.$metadata.httpStatusCode})` : ''}: ${e.message ?? String(error)}`;
      return await this.fallBack(note, cause, detail);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fallBack(note: NoteRevision, cause: FallbackCause, detail: string): Promise<SuggestionResult> {
    this.options.log?.warn('inference.fallback', { cause, detail: detail.slice(0, 300) });
    const r = await this.options.fallback.suggest(note);
    // Not cached here: the endpoint gets another chance on the next call.
    return { ...r, fallback: { cause, detail } };
  }

  describe(): { source: 'sagemaker'; version: string } {
    return { source: 'sagemaker', version: this.lastVersion };
  }

  async dispose(): Promise<void> {
    await this.options.fallback.dispose();
  }
}
