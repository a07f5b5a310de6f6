/**
 * Rebuilds the shipped model: trains on the CodiEsp train split, measures the dev split into the model
 * card, writes resources/model/atrium-model.json.gz and resources/model/MODEL_CARD.json.
 * Run: npm run model:build  [-- <codiesp dir>]   (deterministic; commit the output)
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeArtifact } from '../cloud/model/node.js';
import { trainArtifact } from '../cloud/model/pipeline.js';

const root = resolve(import.meta.dirname, '..');
const codiesp = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'notes', 'codiesp'));
const out = process.env.ATRIUM_MODEL_OUT ?? join(root, 'resources', 'model');
const { artifact } = trainArtifact({
  trainDir: join(codiesp, 'train'),
  evalDir: join(codiesp, 'dev'),
  evalSplitName: 'CodiEsp dev (250 notes), model trained on train only',
  resourcesDir: join(root, 'resources'),
  onProgress: (m) => process.stderr.write(`[model] ${m}\n`),
});
writeArtifact(join(out, 'atrium-model.json.gz'), artifact);
writeFileSync(join(out, 'MODEL_CARD.json'), `${JSON.stringify({ checksum: artifact.checksum, version: artifact.version, ...artifact.card }, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ checksum: artifact.checksum, metrics: artifact.card.metrics?.diagnoses ?? null })}\n`);
