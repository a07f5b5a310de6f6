import { join } from 'node:path';
import type { AwsClientFactory } from '../aws/awsClientFactory.js';
import type { Logger } from '../log/logger.js';
import type { CodeSuggester, NoteRevision, SuggestionResult, SuggestionSource } from './codeSuggester.js';
import { EmbeddedSuggester } from './embeddedSuggester.js';

export interface CodeSuggesterDeps {
  readonly resourcesDir: string;
  /** The configured SageMaker endpoint (setting aws.sagemaker.endpointName); null: embedded only. */
  readonly endpointName: () => string | null;
  readonly aws: () => AwsClientFactory;
  readonly log: Logger;
  /** A custom runtime endpoint URL (a VPC endpoint, or a local stand-in). */
  readonly endpointUrl?: string | null;
}

/**
 * The suggester the app uses: SageMaker when an endpoint is configured (read on every call, so a
 * settings change applies at once), the embedded model otherwise and as its fallback. The SageMaker
 * SDK loads only when an endpoint is first called, so start-up never pays for it.
 */
export function createCodeSuggester(deps: CodeSuggesterDeps): CodeSuggester {
  const embedded = new EmbeddedSuggester(join(deps.resourcesDir, 'model', 'atrium-model.json.gz'));
  let remote: { name: string; suggester: Promise<CodeSuggester> } | undefined;
  let last: { source: SuggestionSource; version: string } | undefined;
  const remoteFor = (name: string): Promise<CodeSuggester> => {
    if (remote?.name !== name) {
      remote = {
        name,
        suggester: (async () => {
          const [{ SageMakerRuntimeClient }, { SageMakerSuggester }] = await Promise.all([import('@aws-sdk/client-sagemaker-runtime'), import('./sageMakerSuggester.js')]);
          const client = deps.aws().create(SageMakerRuntimeClient, { endpoint: deps.endpointUrl ?? null, maxAttempts: 3 });
          return new SageMakerSuggester({ client, endpointName: name, fallback: embedded, log: deps.log });
        })(),
      };
    }
    return remote.suggester;
  };
  return {
    get kind() {
      return deps.endpointName() ? ('sagemaker' as const) : ('embedded' as const);
    },
    async suggest(note: NoteRevision): Promise<SuggestionResult> {
      const name = deps.endpointName();
      const r = name ? await (await remoteFor(name)).suggest(note) : await embedded.suggest(note);
      last = { source: r.source, version: r.modelVersion };
      return r;
    },
    describe() {
      return last ?? { source: deps.endpointName() ? 'sagemaker' : 'embedded', version: embedded.describe().version };
    },
    async dispose() {
      await embedded.dispose();
    },
  };
}
