import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../../main/app/paths.js';
import { tempDir } from '../../test/support/tempDir.js';
import { readArtifact } from '../model/node.js';
import { TINY_DESCRIPTIONS, TINY_DOCS } from '../model/testFixtures.js';

function runTrainer(root: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(SOURCE_ROOT, 'cloud', 'train', 'main.ts')], { env: { ...process.env, ATRIUM_ML_ROOT: root }, encoding: 'utf8', timeout: 60_000 });
}

function mlRoot(): string {
  const root = tempDir('atrium-opt-ml-');
  const train = join(root, 'input', 'data', 'train');
  mkdirSync(join(train, 'text_files_en'), { recursive: true });
  for (const d of TINY_DOCS) writeFileSync(join(train, 'text_files_en', `${d.id}.txt`), d.text);
  writeFileSync(join(train, 'trainD.tsv'), TINY_DOCS.flatMap((d) => d.diagnoses.map((c) => `${d.id}\t${c}`)).join('\n'));
  mkdirSync(join(root, 'input', 'data', 'codes'), { recursive: true });
  writeFileSync(join(root, 'input', 'data', 'codes', 'codes.tsv'), TINY_DESCRIPTIONS.map((d) => `${d.code}\t1\t${d.description}`).join('\n'));
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  return root;
}

describe('training entrypoint (plain Node process, temp folder as /opt/ml)', () => {
  it('honours hyperparameters.json and the channels, and writes the model', () => {
    const root = mlRoot();
    writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify({ k: '5', folds: '2' }));
    const r = runTrainer(root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const artifact = readArtifact(join(root, 'model', 'atrium-model.json.gz'));
    expect(artifact.model.hyperparameters).toMatchObject({ k: 5, folds: 2 });
    expect(artifact.card.trainingData.documents).toBe(TINY_DOCS.length);
    expect(JSON.parse(readFileSync(join(root, 'model', 'MODEL_CARD.json'), 'utf8')).checksum).toBe(artifact.checksum);
    expect(existsSync(join(root, 'output', 'failure'))).toBe(false);
  });

  it('writes /opt/ml/output/failure and exits non-zero on bad hyperparameters or a missing channel', () => {
    const bad = mlRoot();
    writeFileSync(join(bad, 'input', 'config', 'hyperparameters.json'), JSON.stringify({ k: 'many' }));
    const r = runTrainer(bad);
    expect(r.status).toBe(1);
    expect(readFileSync(join(bad, 'output', 'failure'), 'utf8')).toMatch(/hyperparameters\.json: k/);

    const empty = tempDir('atrium-opt-ml-');
    expect(runTrainer(empty).status).toBe(1);
    expect(readFileSync(join(empty, 'output', 'failure'), 'utf8')).toMatch(/no training channel/);
  });
});
