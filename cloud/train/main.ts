/**
 * SageMaker training entrypoint. Reads /opt/ml/input/config/hyperparameters.json (values arrive as
 * strings) and the channels under /opt/ml/input/data/: `train` (required, the CodiEsp layout: see
 * readCorpus), `validation` (optional, measured into the model card), `codings` (optional, coder
 * submissions as *.jsonl) and `codes` (optional ICD-10-CM list for the matcher, resources/codesets
 * format). Writes /opt/ml/model/atrium-model.json.gz and MODEL_CARD.json; on error writes the reason
 * to /opt/ml/output/failure and exits 1. ATRIUM_ML_ROOT replaces /opt/ml (tests).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readCodings, readDescriptions, writeArtifact } from '../model/node.js';
import { trainArtifact } from '../model/pipeline.js';

const root = process.env.ATRIUM_ML_ROOT ?? '/opt/ml';
const resourcesDir = process.env.ATRIUM_RESOURCES_DIR ?? resolve(import.meta.dirname, '..', '..', 'resources');

const Hyperparameters = z
  .object({
    k: z.coerce.number().int().min(1).max(500).optional(),
    power: z.coerce.number().min(0).max(8).optional(),
    folds: z.coerce.number().int().min(2).max(20).optional(),
    minCoverage: z.coerce.number().min(0).max(1).optional(),
    topN: z.coerce.number().int().min(20).max(500).optional(),
  })
  .strict();

function channel(name: string): string | undefined {
  const dir = join(root, 'input', 'data', name);
  return existsSync(dir) ? dir : undefined;
}

function main(): void {
  const hpFile = join(root, 'input', 'config', 'hyperparameters.json');
  const hpRaw: unknown = existsSync(hpFile) ? JSON.parse(readFileSync(hpFile, 'utf8')) : {};
  const hp = Hyperparameters.safeParse(hpRaw);
  if (!hp.success) throw new Error(`hyperparameters.json: ${hp.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const train = channel('train');
  if (!train) throw new Error(`no training channel: ${join(root, 'input', 'data', 'train')} is missing`);
  const validation = channel('validation');
  const codingsDir = channel('codings');
  const codesDir = channel('codes');
  const extraDocs = codingsDir ? readdirSync(codingsDir).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => readCodings(join(codingsDir, f))) : [];
  const codesFile = codesDir ? readdirSync(codesDir).filter((f) => /\.tsv(\.gz)?$/.test(f)).sort()[0] : undefined;
  const hyperparameters = Object.fromEntries(Object.entries(hp.data).filter(([, v]) => v !== undefined));
  const { artifact } = trainArtifact({
    trainDir: train,
    ...(validation ? { evalDir: validation, evalSplitName: 'validation channel' } : {}),
    resourcesDir,
    extraDocs,
    ...(codesDir && codesFile ? { descriptions: readDescriptions(join(codesDir, codesFile)) } : {}),
    hyperparameters,
    trainingDataName: `train channel${extraDocs.length ? ` + ${extraDocs.length} coder submissions` : ''}`,
    onProgress: (m) => process.stdout.write(`${JSON.stringify({ event: 'train.progress', message: m })}\n`),
  });
  const modelDir = join(root, 'model');
  mkdirSync(modelDir, { recursive: true });
  writeArtifact(join(modelDir, 'atrium-model.json.gz'), artifact);
  writeFileSync(join(modelDir, 'MODEL_CARD.json'), `${JSON.stringify({ checksum: artifact.checksum, version: artifact.version, ...artifact.card }, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ event: 'train.done', checksum: artifact.checksum, metrics: artifact.card.metrics?.diagnoses ?? null })}\n`);
}

try {
  main();
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  mkdirSync(join(root, 'output'), { recursive: true });
  writeFileSync(join(root, 'output', 'failure'), `${message}\n`);
  process.stderr.write(`training failed: ${message}\n`);
  process.exitCode = 1;
}
