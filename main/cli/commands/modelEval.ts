import { readFile } from 'node:fs/promises';
import { loadModel } from '../../../cloud/model/artifact.js';
import { evaluate, parseGoldTsv, type Ranked } from '../../../cloud/model/metrics.js';
import { listNotes, readArtifact } from '../../../cloud/model/node.js';
import type { CliIO } from '../cliCommand.js';
import { defaultModelPath, parseOptions, required } from './modelArgs.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const o = parseOptions(args, ['in', 'gold', 'model']);
  const inDir = required(o, 'in');
  const gold = parseGoldTsv(await readFile(required(o, 'gold'), 'utf8'));
  const model = loadModel(readArtifact(o.model ?? defaultModelPath()));
  const predictions = new Map<string, readonly Ranked[]>();
  for (const note of listNotes(inDir)) {
    if (!gold.has(note.id)) continue;
    predictions.set(note.id, model.predict(await readFile(note.path, 'utf8')).codes);
  }
  const m = evaluate(predictions, gold);
  io.stdout.write(`${JSON.stringify({ map: m.map, microP: m.microP, microR: m.microR, microF1: m.microF1, macroF1: m.macroF1, 'p@5': m['p@5'], 'p@10': m['p@10'] })}\n`);
  return 0;
}
