import { parentPort, workerData } from 'node:worker_threads';
import { countWorklist, listPage, searchEncounterIds, type Prepare } from '../worklist/worklistQueries.js';
import { StatementCache } from './statementCache.js';
import { openConnection, type Db } from './store.js';
import { StoreError } from './storeErrors.js';
import type { FromWorker, ReadRequest, ReadWorkerData, SerializedError, ToWorker } from './storeReadProtocol.js';

/**
 * The store's read worker: one read-only connection (WAL lets it read while the main thread writes)
 * answering the heavy reads, so a page, a count or a search never stalls the main event loop.
 */
const port = parentPort;
if (!port) throw new Error('storeReadWorkerImpl runs only as a worker thread');
const data = workerData as ReadWorkerData;
let db: Db | null = null;
let prepare: Prepare | null = null;

function serialize(error: unknown): SerializedError {
  return { code: error instanceof StoreError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
}

function answer(request: ReadRequest, run: Prepare): unknown {
  switch (request.op) {
    case 'list':
      return listPage(run, request.input, request.now);
    case 'counts':
      return countWorklist(run);
    case 'search':
      return searchEncounterIds(run, request.query, request.limit);
  }
}

port.on('message', (message: ToWorker) => {
  let reply: FromWorker;
  if (message.type === 'open') {
    try {
      db = openConnection(data.file, Buffer.from(message.key), true, data.nativeBinding ? { nativeBinding: data.nativeBinding } : {});
      const statements = new StatementCache(db);
      prepare = (sql) => statements.get(sql);
      reply = { type: 'opened' };
    } catch (error) {
      reply = { type: 'open_failed', error: serialize(error) };
    }
    message.key.fill(0);
  } else {
    try {
      if (!prepare || !db) throw new Error('the read worker has no open connection');
      // One read transaction per request, so a page sees one state of the store.
      const run = prepare;
      reply = { type: 'result', id: message.id, result: db.transaction(() => answer(message.request, run)).deferred() };
    } catch (error) {
      reply = { type: 'error', id: message.id, error: serialize(error) };
    }
  }
  port.postMessage(reply);
});
