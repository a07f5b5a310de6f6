/**
 * File I/O for the model library (Node only): reading a CodiEsp-style corpus folder, reading and
 * writing artifacts. The rest of cloud/model is plain TypeScript.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { CodeSet } from './codesets/index.js';
import { parseArtifact, serializeArtifact, type Artifact } from './artifact.js';
import { parseGoldTsv } from './metrics.js';
import type { TrainingDoc } from './model.js';

/**
 * A training folder ("--data <dir>"): notes as `*.txt` in `text_files_en/` (or `text_files/`, or the
 * folder itself), diagnosis labels in a `*D.tsv` and procedure labels in a `*P.tsv`
 * (`noteId<TAB>code` per line, the CodiEsp layout). Notes without any label are skipped.
 */
export function readCorpus(dir: string): TrainingDoc[] {
  const files = readdirSync(dir);
  const tsv = (suffix: string) => files.filter((f) => f.endsWith(suffix)).sort().map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const dx = parseGoldTsv(tsv('D.tsv'));
  const px = parseGoldTsv(tsv('P.tsv'));
  if (dx.size === 0) throw new Error(`no *D.tsv diagnosis labels in ${dir}`);
  const textDir = ['text_files_en', 'text_files'].map((d) => join(dir, d)).find((d) => existsSync(d)) ?? dir;
  const docs: TrainingDoc[] = [];
  for (const f of readdirSync(textDir).filter((f) => f.endsWith('.txt')).sort()) {
    const id = basename(f, '.txt');
    const diagnoses = dx.get(id) ?? [];
    if (diagnoses.length === 0) continue;
    docs.push({ id, text: readFileSync(join(textDir, f), 'utf8'), diagnoses, procedures: px.get(id) ?? [] });
  }
  if (docs.length === 0) throw new Error(`no labelled notes (*.txt) under ${textDir}`);
  return docs;
}

/** Reads a `.txt` folder for prediction: id (file name without .txt) and path, sorted by name. */
export function listNotes(dir: string): { id: string; path: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ id: basename(f, '.txt'), path: join(dir, f) }));
}

/** Artifacts are gzipped JSON; the checksum inside covers the model section. */
export function writeArtifact(path: string, artifact: Artifact): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(Buffer.from(serializeArtifact(artifact), 'utf8'), { level: 9 }));
}

export function readArtifact(path: string): Artifact {
  const raw = readFileSync(path);
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return parseArtifact(text, { sha256: (t) => createHash('sha256').update(t, 'utf8').digest('hex') });
}

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


/** Billable ICD-10-CM descriptions from a code-set file in the resources/codesets format (gzipped or not). */
export function readDescriptions(path: string): { code: string; description: string }[] {
  const raw = readFileSync(path);
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return CodeSet.parse('icd10cm', text)
    .entries()
    .filter((e) => e.billable)
    .map((e) => ({ code: e.code, description: e.description }));
}
