import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadModel } from '../../../cloud/model/artifact.js';
import { listNotes, readArtifact } from '../../../cloud/model/node.js';
import type { CliIO } from '../cliCommand.js';
import { defaultModelPath, parseOptions, required } from './modelArgs.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const o = parseOptions(args, ['in', 'out', 'model']);
  const inDir = required(o, 'in');
  const outFile = required(o, 'out');
  const model = loadModel(readArtifact(o.model ?? defaultModelPath()));
  const notes = listNotes(inDir);
  const out = createWriteStream(outFile);
  let failed = 0;
  for (const note of notes) {
    let line: Record<string, unknown>;
    try {
      const text = await readFile(note.path, 'utf8');
      const p = model.predict(text);
      line = p.reason
        ? { id: note.id, codes: [], procedures: [], error: p.reason }
        : { id: note.id, codes: p.codes.map(({ code, score, evidence }) => ({ code, score, evidence })), procedures: p.procedures };
    } catch (error) {
      line = { id: note.id, codes: [], procedures: [], error: (error as Error).message };
    }
    if ('error' in line) failed++;
    out.write(`${JSON.stringify(line)}\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  io.stderr.write(`[model] ${notes.length} notes, ${failed} without suggestions -> ${outFile}\n`);
  return 0;
}
