import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../../main/app/paths.js';
import { tempDir } from '../../test/support/tempDir.js';
import { buildArtifact, type ModelCard } from '../model/artifact.js';
import { trainModel } from '../model/model.js';
import { writeArtifact } from '../model/node.js';
import { TINY_DESCRIPTIONS, TINY_DOCS } from '../model/testFixtures.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let child: ChildProcess;
let base: string;

beforeAll(async () => {
  const root = tempDir('atrium-opt-ml-');
  mkdirSync(join(root, 'model'), { recursive: true });
  const state = trainModel({ docs: TINY_DOCS, descriptions: TINY_DESCRIPTIONS, hyperparameters: { folds: 2, k: 5 } });
  const card = { name: 'tiny', modelVersion: 'x', description: 'x', trainingData: { name: 'tiny', documents: 8, diagnosisCodes: 6, procedureCodes: 2, licence: 'x', attribution: 'x' }, descriptions: 'x', features: [], hyperparameters: state.hyperparameters, limitations: [] } satisfies ModelCard;
  writeArtifact(join(root, 'model', 'atrium-model.json.gz'), buildArtifact(state, card));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', 'tsx', join(SOURCE_ROOT, 'cloud', 'serve', 'main.ts'), 'serve'], { env: { ...process.env, ATRIUM_ML_ROOT: root, SAGEMAKER_BIND_TO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('serve.listening') && resolve());
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
});

afterAll(() => {
  child.kill('SIGTERM');
});

describe('inference server (plain Node process, temp folder as /opt/ml)', () => {
  it('answers /ping and scores /invocations as JSON', async () => {
    expect((await fetch(`${base}/ping`)).status).toBe(200);
    const res = await fetch(`${base}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Lobar pneumonia with fever. No evidence of diabetes.' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { codes: { code: string; evidence: unknown[] }[]; modelVersion: string };
    expect(body.codes.map((c) => c.code)).toContain('J18.9');
    expect(body.codes.map((c) => c.code)).not.toContain('E11.9');
    expect(body.modelVersion).toBe('1.0.0');
  });

  it('scores batches, refuses malformed requests with 400 and keeps /ping answering while scoring', async () => {
    const batch = await fetch(`${base}/invocations`, { method: 'POST', body: JSON.stringify({ instances: [{ id: 'a', text: 'fever' }, { id: 'b', text: '' }] }) });
    const b = (await batch.json()) as { predictions: { id: string; reason?: string }[] };
    expect(b.predictions.map((p) => p.id)).toEqual(['a', 'b']);
    expect(b.predictions[1]!.reason).toBe('empty note');
    expect((await fetch(`${base}/invocations`, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await fetch(`${base}/invocations`, { method: 'POST', body: '{"note": 1}' })).status).toBe(400);
    const heavy = Array.from({ length: 3 }, () => fetch(`${base}/invocations`, { method: 'POST', body: JSON.stringify({ text: 'Pneumonia, fever and pain in the knee after a fall. '.repeat(1_500) }) }));
    const order: string[] = [];
    const ping = fetch(`${base}/ping`).then((r) => {
      order.push('ping');
      return r.status;
    });
    const done = Promise.all(heavy).then(() => order.push('scored'));
    expect(await ping).toBe(200);
    await done;
    expect(order[0]).toBe('ping');
  });
});
