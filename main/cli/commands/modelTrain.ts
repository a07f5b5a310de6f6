import { sourceResourcesDir } from '../../app/paths.js';
import { readCodings, readDescriptions, writeArtifact } from '../../../cloud/model/node.js';
import { trainArtifact } from '../../../cloud/model/pipeline.js';
import type { CliIO } from '../cliCommand.js';
import { parseOptions, required } from './modelArgs.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const o = parseOptions(args, ['data', 'out', 'eval', 'codings', 'descriptions', 'k', 'folds']);
  const data = required(o, 'data');
  const out = required(o, 'out');
  const extraDocs = o.codings ? readCodings(o.codings) : [];
  const hyperparameters = {
    ...(o.k ? { k: Number(o.k) } : {}),
    ...(o.folds ? { folds: Number(o.folds) } : {}),
  };
  const descriptions = o.descriptions ? readDescriptions(o.descriptions) : undefined;
  const { artifact } = trainArtifact({
    ...(descriptions ? { descriptions } : {}),
    trainDir: data,
    ...(o.eval ? { evalDir: o.eval, evalSplitName: o.eval } : {}),
    resourcesDir: sourceResourcesDir(),
    extraDocs,
    hyperparameters,
    trainingDataName: extraDocs.length ? `${data} + ${extraDocs.length} coder submissions` : data,
    onProgress: (m) => io.stderr.write(`[model] ${m}\n`),
  });
  writeArtifact(out, artifact);
  io.stdout.write(`${JSON.stringify({ out, checksum: artifact.checksum, version: artifact.version, documents: artifact.card.trainingData.documents, metrics: artifact.card.metrics?.diagnoses ?? null })}\n`);
  return 0;
}
