/** Runs in the scoring worker thread: loads the artifact once, answers {id, body} with {id, status, body}. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../model/artifact.js';
import { readArtifact } from '../model/node.js';
import { invoke, InvocationError } from './invocations.js';

const port = parentPort;
if (!port) throw new Error('scoring worker must run in a worker thread');
try {
  const artifact = readArtifact((workerData as { artifactPath: string }).artifactPath);
  const model = loadModel(artifact);
  port.on('message', (m: { id: number; body: string }) => {
    try {
      port.postMessage({ type: 'result', id: m.id, status: 200, body: JSON.stringify(invoke(model, artifact.version, m.body)) });
    } catch (error) {
      const status = error instanceof InvocationError ? error.status : 500;
      port.postMessage({ type: 'result', id: m.id, status, body: JSON.stringify({ error: (error as Error).message }) });
    }
  });
  port.postMessage({ type: 'ready', version: artifact.version, checksum: artifact.checksum });
} catch (error) {
  port.postMessage({ type: 'failed', error: (error as Error).message });
}
