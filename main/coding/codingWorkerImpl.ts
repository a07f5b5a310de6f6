/**
 * The coding worker: owns the code sets, their search indexes and the MS-DRG grouper, so that loading
 * them (seconds on a busy machine) never blocks main's event loop, and searches run beside it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogFields, Logger } from '../log/logger.js';
import { CodingService } from './codingService.js';
import type { CodingWorkerData, FromCodingWorker, ToCodingWorker } from './codingWorkerProtocol.js';

const port = parentPort;
if (!port) throw new Error('codingWorkerImpl runs in a worker thread');
const data = workerData as CodingWorkerData;

const post = (message: FromCodingWorker) => port.postMessage(message);
// Log lines go back to main's logger (which redacts), with errors flattened to their message.
const forward = (level: 'info' | 'warn', event: string, fields: LogFields = {}) => {
  const flat: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(fields)) flat[k] = typeof v === 'number' || typeof v === 'string' ? v : v instanceof Error ? v.message : String(v);
  post({ kind: 'log', level, event, fields: flat });
};
const log: Logger = {
  debug: () => undefined,
  info: (event, fields) => forward('info', event, fields),
  warn: (event, fields) => forward('warn', event, fields),
  error: (event, fields) => forward('warn', event, fields),
};
const service = new CodingService({ resourcesDir: data.resourcesDir, ...(data.weightsFile ? { weightsFile: data.weightsFile } : {}), log });

port.on('message', ({ id, request }: ToCodingWorker) => {
  try {
    const result =
      request.op === 'search'
        ? service.search(request.query, request.system, request.limit)
        : request.op === 'group'
          ? service.group(request.encounter)
          : request.op === 'warm'
            ? service.warm()
            : service.isWarm;
    post({ kind: 'result', id, result });
  } catch (error) {
    post({ kind: 'error', id, message: (error as Error).message });
  }
});
