import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifact, loadModel, type ModelCard } from '../../cloud/model/artifact.js';
import { trainModel } from '../../cloud/model/model.js';
import { writeArtifact } from '../../cloud/model/node.js';
import { TINY_DESCRIPTIONS, TINY_DOCS } from '../../cloud/model/testFixtures.js';
import { invoke } from '../../cloud/serve/invocations.js';
import { SageMakerRuntimeStandIn } from '../../test/standins/sagemaker-runtime/sageMakerRuntimeStandIn.js';
import { tempDir } from '../../test/support/tempDir.js';
import { AwsClientFactory } from '../aws/awsClientFactory.js';
import { createMemoryLogger } from '../log/logger.js';
import { EmbeddedSuggester } from './embeddedSuggester.js';
import { SageMakerSuggester } from './sageMakerSuggester.js';

const state = trainModel({ docs: TINY_DOCS, descriptions: TINY_DESCRIPTIONS, hyperparameters: { folds: 2, k: 5 } });
const card = { name: 'tiny', modelVersion: 'tiny-1', description: 't', trainingData: { name: 'tiny', documents: 8, diagnosisCodes: 6, procedureCodes: 2, licence: 'x', attribution: 'x' }, descriptions: 'x', features: [], hyperparameters: state.hyperparameters, limitations: [] } satisfies ModelCard;
const artifactPath = join(tempDir('atrium-inference-'), 'model.json.gz');
writeArtifact(artifactPath, buildArtifact(state, card));
const remoteModel = loadModel(buildArtifact(state, card));

let standIn: SageMakerRuntimeStandIn;
let embedded: EmbeddedSuggester;
const log = createMemoryLogger();

function suggester(endpointName: string, timeoutMs = 3_000): SageMakerSuggester {
  const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' }) });
  const client = factory.create(SageMakerRuntimeClient, { endpoint: standIn.url, maxAttempts: 2 });
  return new SageMakerSuggester({ client, endpointName, targetVariant: endpointName === 'variant-ep' ? 'Canary' : undefined, timeoutMs, fallback: embedded, log } as never);
}

const NOTE = { noteId: 'n1', revision: 1, text: 'Admitted with right lower lobe pneumonia and fever. Known hypertension.' };

beforeAll(async () => {
  standIn = await SageMakerRuntimeStandIn.start();
  const respond = (body: string) => JSON.stringify(invoke(remoteModel, 'remote-1', body));
  standIn.endpoints.set('ok-ep', { behaviour: 'ok', respond, variant: 'AllTraffic' });
  standIn.endpoints.set('variant-ep', { behaviour: 'ok', respond });
  standIn.endpoints.set('model-error-ep', { behaviour: 'model-error' });
  standIn.endpoints.set('throttle-ep', { behaviour: 'throttle' });
  standIn.endpoints.set('down-ep', { behaviour: 'unavailable' });
  standIn.endpoints.set('slow-ep', { behaviour: 'ok', respond, delayMs: 2_000 });
  standIn.endpoints.set('garbage-ep', { behaviour: 'garbage' });
  embedded = new EmbeddedSuggester(artifactPath);
  await embedded.load();
});

afterAll(async () => {
  await embedded.dispose();
  await standIn.close();
});

describe('embedded suggester', () => {
  it('scores in a worker thread and caches per note revision', async () => {
    const first = await embedded.suggest({ ...NOTE, noteId: 'emb' });
    expect(first).toMatchObject({ source: 'embedded', cached: false, modelVersion: '1.0.0' });
    expect(first.codes.map((c) => c.code)).toContain('J18.9');
    expect((await embedded.suggest({ ...NOTE, noteId: 'emb' })).cached).toBe(true);
    expect((await embedded.suggest({ ...NOTE, noteId: 'emb', revision: 2, text: 'No evidence of pneumonia. Hypertension.' })).codes.map((c) => c.code)).not.toContain('J18.9');
  });

  it('answers bad input with an empty result and a reason', async () => {
    for (const [text, reason] of [['', /empty/], ['\u0000\u0001\u0002\u0003'.repeat(2000), /binary/], ['x'.repeat(5 * 1024 * 1024), /too large/], ['Der Patient hat seit drei Tagen Fieber und Husten und wurde aufgenommen.', /English/]] as const) {
      const r = await embedded.suggest({ noteId: `bad-${reason.source}`, revision: 1, text });
      expect(r.codes).toEqual([]);
      expect(r.reason).toMatch(reason);
    }
  });
});

describe('SageMaker suggester against the runtime stand-in (real SDK)', () => {
  it('answers from the endpoint with the variant, signed JSON in and out', async () => {
    const r = await suggester('ok-ep').suggest(NOTE);
    expect(r).toMatchObject({ source: 'sagemaker', variant: 'AllTraffic', modelVersion: 'remote-1', cached: false });
    expect(r.fallback).toBeUndefined();
    expect(r.codes.map((c) => c.code)).toContain('J18.9');
    const call = standIn.invocations.filter((i) => i.endpoint === 'ok-ep').at(-1)!;
    expect(call).toMatchObject({ contentType: 'application/json', accept: 'application/json', authorized: true });
    expect(JSON.parse(call.body)).toEqual({ text: NOTE.text });
  });

  it('sends the target variant header and reports the variant that answered', async () => {
    const r = await suggester('variant-ep').suggest(NOTE);
    expect(r.variant).toBe('Canary');
    expect(standIn.invocations.filter((i) => i.endpoint === 'variant-ep').at(-1)?.targetVariant).toBe('Canary');
  });

  it.each([
    ['model-error-ep', 'model-error', /ModelError \(424\)/],
    ['throttle-ep', 'throttled', /429/],
    ['down-ep', 'unavailable', /503/],
    ['garbage-ep', 'bad-response', /unexpected body/],
    ['missing-ep', 'unavailable', /not found/],
  ] as const)('%s falls back to the embedded model (%s)', async (endpoint, cause, detail) => {
    const r = await suggester(endpoint).suggest({ ...NOTE, noteId: endpoint });
    expect(r.source).toBe('embedded');
    expect(r.fallback?.cause).toBe(cause);
    expect(r.fallback?.detail).toMatch(detail);
    expect(r.codes.map((c) => c.code)).toContain('J18.9');
  });

  it('retries throttling before falling back', async () => {
    const before = standIn.invocations.filter((i) => i.endpoint === 'throttle-ep').length;
    await suggester('throttle-ep').suggest({ ...NOTE, noteId: 'retry' });
    expect(standIn.invocations.filter((i) => i.endpoint === 'throttle-ep').length - before).toBe(2);
  });

  it('falls back when the endpoint is slower than the timeout', async () => {
    const r = await suggester('slow-ep', 300).suggest({ ...NOTE, noteId: 'slow' });
    expect(r.source).toBe('embedded');
    expect(r.fallback?.cause).toBe('timeout');
  });

  it('caches endpoint answers per revision', async () => {
    const s = suggester('ok-ep');
    await s.suggest({ ...NOTE, noteId: 'cache' });
    const n = standIn.invocations.length;
    expect((await s.suggest({ ...NOTE, noteId: 'cache' })).cached).toBe(true);
    expect(standIn.invocations.length).toBe(n);
  });
});

describe('createCodeSuggester (what the app wires)', () => {
  it('uses the configured endpoint, switches with the setting and falls back to the embedded model', async () => {
    const { createCodeSuggester } = await import('./createCodeSuggester.js');
    const dir = tempDir('atrium-resources-');
    mkdirSync(join(dir, 'model'));
    copyFileSync(artifactPath, join(dir, 'model', 'atrium-model.json.gz'));
    let endpoint: string | null = 'ok-ep';
    const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'standin-secret' }) });
    const s = createCodeSuggester({ resourcesDir: dir, endpointName: () => endpoint, aws: () => factory, log, endpointUrl: standIn.url });
    expect((await s.suggest({ ...NOTE, noteId: 'wired' })).source).toBe('sagemaker');
    expect(s.describe()).toEqual({ source: 'sagemaker', version: 'remote-1' });
    endpoint = 'model-error-ep';
    const fell = await s.suggest({ ...NOTE, noteId: 'wired-2' });
    expect(fell).toMatchObject({ source: 'embedded', fallback: { cause: 'model-error' } });
    endpoint = null;
    expect((await s.suggest({ ...NOTE, noteId: 'wired-3' })).source).toBe('embedded');
    await s.dispose();
  });
});
