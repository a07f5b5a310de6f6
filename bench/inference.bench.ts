/**
 * `npm run bench -- inference`: the shipped model on 4 KB notes.
 * - loadMs: reading, verifying and indexing resources/model/atrium-model.json.gz in the worker thread
 * - p50Ms / p99Ms / notesPerSec: EmbeddedSuggester.suggest (worker thread round trip, every call a new
 *   note revision so nothing is cached), 4 KB notes, sequential, after a warm-up
 * - rssMb: resident memory of the process (main thread + model worker) after the run
 * - endpointP50Ms: SageMakerSuggester -> real SDK (signing, HTTP) -> local SageMaker Runtime stand-in
 *   answering a prepared prediction: the client-side round trip without model time
 * Notes: CodiEsp dev notes (../shared, ATRIUM_CODIESP overrides) cut or repeated to 4096 characters;
 * synthetic notes when that folder is absent.
 */
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_ROOT, sourceResourcesDir } from '../main/app/paths.js';
import { AwsClientFactory } from '../main/aws/awsClientFactory.js';
import { EmbeddedSuggester } from '../main/inference/embeddedSuggester.js';
import { SageMakerSuggester } from '../main/inference/sageMakerSuggester.js';
import { SageMakerRuntimeStandIn } from '../test/standins/sagemaker-runtime/sageMakerRuntimeStandIn.js';
import { benchLog, cachedFixture, percentile, printResult, round } from './harness.js';

const NOTES = Number(process.env.BENCH_NOTES ?? 200);
const NOTE_CHARS = 4096;

const fixture = await cachedFixture('inference-notes', 1, async (dir) => {
  const codiesp = process.env.ATRIUM_CODIESP ?? join(SOURCE_ROOT, '..', 'shared', 'data', 'notes', 'codiesp', 'dev', 'text_files_en');
  const sources = existsSync(codiesp)
    ? readdirSync(codiesp).sort().map((f) => readFileSync(join(codiesp, f), 'utf8'))
    : Array.from({ length: 50 }, (_, i) => `Case ${i}. A ${40 + i}-year-old patient with fever, cough and right lower lobe pneumonia. History of hypertension and type 2 diabetes mellitus. No evidence of pulmonary embolism. Treated with antibiotics and discharged.`);
  const notes = sources.map((s) => {
    let x = s;
    while (x.length < NOTE_CHARS) x += `\n${s}`;
    return x.slice(0, NOTE_CHARS);
  });
  writeFileSync(join(dir, 'notes.json'), JSON.stringify(notes));
});
const notes = JSON.parse(readFileSync(join(fixture, 'notes.json'), 'utf8')) as string[];

const embedded = new EmbeddedSuggester(join(sourceResourcesDir(), 'model', 'atrium-model.json.gz'));
let t = performance.now();
const info = await embedded.load();
const loadMs = performance.now() - t;
benchLog(`model ${info.version} (${info.checksum.slice(0, 12)}) loaded in ${round(loadMs)} ms`);

let revision = 0;
for (let i = 0; i < 30; i++) await embedded.suggest({ noteId: 'warm', revision: revision++, text: notes[i % notes.length]! });
const samples: number[] = [];
const started = performance.now();
for (let i = 0; i < NOTES; i++) {
  t = performance.now();
  await embedded.suggest({ noteId: 'bench', revision: revision++, text: notes[i % notes.length]! });
  samples.push(performance.now() - t);
}
const elapsed = performance.now() - started;
const rssMb = process.memoryUsage().rss / (1024 * 1024);

const standIn = await SageMakerRuntimeStandIn.start();
const prepared = await embedded.suggest({ noteId: 'prepared', revision: 0, text: notes[0]! });
const answer = JSON.stringify({ codes: prepared.codes, procedures: prepared.procedures, modelVersion: prepared.modelVersion });
standIn.endpoints.set('atrium-bench', { behaviour: 'ok', respond: () => answer });
const factory = new AwsClientFactory({ region: () => 'us-east-1', credentials: () => async () => ({ accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' }) });
const remote = new SageMakerSuggester({ client: factory.create(SageMakerRuntimeClient, { endpoint: standIn.url, maxAttempts: 1 }), endpointName: 'atrium-bench', fallback: embedded });
const endpointSamples: number[] = [];
for (let i = 0; i < 60; i++) {
  t = performance.now();
  const r = await remote.suggest({ noteId: 'remote', revision: i, text: notes[i % notes.length]! });
  if (i >= 10) endpointSamples.push(performance.now() - t);
  if (r.source !== 'sagemaker') throw new Error(`endpoint fell back: ${r.fallback?.detail}`);
}
await standIn.close();
await embedded.dispose();

printResult({
  p50Ms: round(percentile(samples, 50)),
  p99Ms: round(percentile(samples, 99)),
  notesPerSec: round((NOTES * 1000) / elapsed, 1),
  loadMs: round(loadMs),
  rssMb: round(rssMb, 1),
  endpointP50Ms: round(percentile(endpointSamples, 50)),
});
