import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { CodeSet } from '../../../cloud/model/codesets/index.js';
import { sourceResourcesDir } from '../../app/paths.js';
import type { TrainingDoc } from '../../../cloud/model/model.js';
import { writeArtifact } from '../../../cloud/model/node.js';
import { trainArtifact } from '../../../cloud/model/pipeline.js';
import type { CliIO } from '../cliCommand.js';
import { parseOptions, required } from './modelArgs.js';

/**
 * One submitted coding per line, as exported from the warehouse: the note text and what the coder
 * did with the suggestions. Accepted and added codes become labels; rejected ones are left out.
 */
const CodingLine = z.object({
  id: z.string().min(1),
  text: z.string(),
  accepted: z.array(z.string()).default([]),
  added: z.array(z.string()).default([]),
  rejected: z.array(z.string()).default([]),
  procedures: z.array(z.string()).default([]),
});

export function readCodings(path: string): TrainingDoc[] {
  const docs: TrainingDoc[] = [];
  readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .forEach((line, n) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new Error(`${path}:${n + 1}: not JSON`);
      }
      const parsed = CodingLine.safeParse(raw);
      if (!parsed.success) throw new Error(`${path}:${n + 1}: ${parsed.error.issues[0]?.message ?? 'invalid coding'}`);
      const c = parsed.data;
      const rejected = new Set(c.rejected.map((x) => x.replace(/\./g, '').toLowerCase()));
      const diagnoses = [...c.accepted, ...c.added].filter((x) => !rejected.has(x.replace(/\./g, '').toLowerCase()));
      if (diagnoses.length > 0) docs.push({ id: `coding:${c.id}`, text: c.text, diagnoses, procedures: c.procedures });
    });
  return docs;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const o = parseOptions(args, ['data', 'out', 'eval', 'codings', 'descriptions', 'k', 'folds']);
  const data = required(o, 'data');
  const out = required(o, 'out');
  const extraDocs = o.codings ? readCodings(o.codings) : [];
  const hyperparameters = {
    ...(o.k ? { k: Number(o.k) } : {}),
    ...(o.folds ? { folds: Number(o.folds) } : {}),
  };
  let descriptions: { code: string; description: string }[] | undefined;
  if (o.descriptions) {
    const raw = readFileSync(o.descriptions);
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    descriptions = CodeSet.parse('icd10cm', text).entries().filter((e) => e.billable).map((e) => ({ code: e.code, description: e.description }));
  }
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
