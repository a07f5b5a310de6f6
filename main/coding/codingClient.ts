import { Worker } from 'node:worker_threads';
import type { CodedEncounter } from '../../cloud/model/grouper/index.js';
import type { Logger } from '../log/logger.js';
import type { SearchResult } from './codeSearch.js';
import type { GroupOutcome, SearchSystem } from './codingService.js';
import type { CodingReply, CodingRequest, CodingWorkerData, FromCodingWorker, ToCodingWorker } from './codingWorkerProtocol.js';

/**
 * Main's side of the coding worker: code search and MS-DRG grouping answered off main's event loop.
 * The worker starts on the first call (or `warm()`); it never keeps the process alive on its own.
 */
export class CodingClient {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private warmed = false;

  constructor(private readonly options: { resourcesDir: string; weightsFile?: string; log?: Logger }) {}

  search(query: string, system: SearchSystem, limit: number): Promise<SearchResult> {
    return this.call({ op: 'search', query, system, limit });
  }

  group(encounter: CodedEncounter): Promise<GroupOutcome> {
    return this.call({ op: 'group', encounter });
  }

  /** Asks the worker to load everything in the background; false when it was already asked. */
  warm(): boolean {
    if (this.warmed) return false;
    this.warmed = true;
    this.call({ op: 'warm' }).catch((error: Error) => this.options.log?.warn('coding.warm_failed', { error }));
    return true;
  }

  /** Both search indexes and the grouper are loaded in the worker. */
  isWarm(): Promise<boolean> {
    return this.call({ op: 'isWarm' });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private call<R extends CodingRequest>(request: R): Promise<CodingReply<R>> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<CodingReply<R>>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CodingReply<R>), reject });
      worker.ref();
      worker.postMessage({ id, request } satisfies ToCodingWorker);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: CodingWorkerData = { resourcesDir: this.options.resourcesDir, weightsFile: this.options.weightsFile ?? null };
    const worker = new Worker(new URL('./codingWorker.mjs', import.meta.url), { workerData: data });
    worker.unref();
    worker.on('message', (m: FromCodingWorker) => {
      if (m.kind === 'log') return this.options.log?.[m.level](m.event, m.fields);
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.kind === 'result') waiting?.resolve(m.result);
      else waiting?.reject(new Error(m.message));
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('The coding worker stopped.')));
    this.worker = worker;
    return worker;
  }
}
