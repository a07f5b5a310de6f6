import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_DESCRIPTIONS, TINY_DOCS } from '../../../cloud/model/testFixtures.js';
import { tempDir } from '../../../test/support/tempDir.js';
import { runCli } from '../index.js';
import { captureIo } from '../../../test/support/cliIo.js';


describe('atrium model train / predict / eval', () => {
  it('trains a tiny artifact, predicts one line per file (errors included) and evaluates', async () => {
    const data = tempDir('atrium-model-data-');
    mkdirSync(join(data, 'text_files_en'));
    for (const d of TINY_DOCS) writeFileSync(join(data, 'text_files_en', `${d.id}.txt`), d.text);
    writeFileSync(join(data, 'tinyD.tsv'), TINY_DOCS.flatMap((d) => d.diagnoses.map((c) => `${d.id}\t${c}`)).join('\n'));
    writeFileSync(join(data, 'tinyP.tsv'), TINY_DOCS.flatMap((d) => d.procedures.map((c) => `${d.id}\t${c}`)).join('\n'));
    const codings = join(data, 'codings.jsonl');
    writeFileSync(codings, `${JSON.stringify({ id: 'c1', text: 'Pneumonia and hypertension.', accepted: ['J18.9'], added: ['I10'], rejected: ['R52'] })}\n`);
    const descriptions = join(data, 'codes.tsv');
    writeFileSync(descriptions, TINY_DESCRIPTIONS.map((d) => `${d.code}\t1\t${d.description}`).join('\n'));
    const artifact = join(tempDir('atrium-model-out-'), 'model.json.gz');

    const train = captureIo();
    expect(await runCli(['model', 'train', '--data', data, '--out', artifact, '--codings', codings, '--descriptions', descriptions, '--folds', '2', '--k', '5'], train.io)).toBe(0);
    expect(JSON.parse(train.out())).toMatchObject({ out: artifact, documents: TINY_DOCS.length + 1 });

    const notes = tempDir('atrium-model-notes-');
    writeFileSync(join(notes, 'a.txt'), 'Elderly man with right lower lobe pneumonia and fever; hypertension.');
    writeFileSync(join(notes, 'empty.txt'), '');
    mkdirSync(join(notes, 'unreadable.txt'));
    const out = join(notes, '..', `${Date.now()}-predictions.jsonl`);
    const predict = captureIo();
    expect(await runCli(['model', 'predict', '--in', notes, '--out', out, '--model', artifact], predict.io)).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; codes: { code: string; score: number; evidence: [number, number][] }[]; error?: string });
    expect(lines.map((l) => l.id)).toEqual(['a', 'empty', 'unreadable']);
    expect(lines[0]!.codes.map((c) => c.code)).toContain('J18.9');
    expect(lines[0]!.codes[0]!.evidence.length).toBeGreaterThan(0);
    expect(lines[1]).toMatchObject({ codes: [], error: 'empty note' });
    expect(lines[2]!.codes).toEqual([]);
    expect(lines[2]!.error).toMatch(/EISDIR|directory/);

    const gold = join(notes, '..', `${Date.now()}-goldD.tsv`);
    writeFileSync(gold, 'a\tj18.9\na\ti10\n');
    const evalIo = captureIo();
    expect(await runCli(['model', 'eval', '--in', notes, '--gold', gold, '--model', artifact], evalIo.io)).toBe(0);
    const metrics = JSON.parse(evalIo.out()) as Record<string, number>;
    expect(Object.keys(metrics)).toEqual(['map', 'microP', 'microR', 'microF1', 'macroF1', 'p@5', 'p@10']);
    expect(metrics.map).toBeGreaterThan(0.5);
  });

  it('rejects a missing option with usage', async () => {
    const c = captureIo();
    expect(await runCli(['model', 'predict', '--in', '/nowhere'], c.io)).toBe(2);
    expect(c.err()).toContain('--out is required');
  });
});
