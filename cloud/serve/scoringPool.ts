import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (r: { status: number; body: string }) => void;
}

/**
 * The model in a worker thread, speaking the invocation JSON (cloud/serve/invocations.ts). Used by the
 * inference server and by the desktop's embedded suggester, so neither blocks its event loop.
 */
export class ScoringPool {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  readonly ready: Promise<{ version: string; checksum: string }>;

  constructor(artifactPath: string) {
    this.worker = new Worker(new URL('./scoringWorker.mjs', import.meta.url), { workerData: { artifactPath } });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; version?: string; checksum?: string; error?: string }) => {
        if (m.type === 'ready') resolve({ version: m.version ?? '', checksum: m.checksum ?? '' });
        if (m.type === 'failed') reject(new Error(m.error));
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
    });
    this.worker.on('message', (m: { type: string; id?: number; status?: number; body?: string }) => {
      if (m.type !== 'result' || m.id === undefined) return;
      this.pending.get(m.id)?.resolve({ status: m.status ?? 500, body: m.body ?? '' });
      this.pending.delete(m.id);
    });
    this.worker.on('exit', () => {
      for (const p of this.pending.values()) p.resolve({ status: 500, body: JSON.stringify({ error: 'scoring worker exited' }) });
      this.pending.clear();
    });
  }

  score(body: string): Promise<{ status: number; body: string }> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ id, body });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

