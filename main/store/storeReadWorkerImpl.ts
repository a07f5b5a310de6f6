import { parentPort, workerData } from 'node:worker_threads';
import { countWorklist, listPage, searchEncounterIds, type Prepare } from '../worklist/worklistQueries.js';
import { StatementCache } from './statementCache.js';
import { openConnection, type Db } from './store.js';
import { StoreError, translateSqliteError } from './storeErrors.js';
import { lowerThisThreadPriority } from './threadPriority.js';
import { growWal, walBytesFor } from './walPreallocation.js';
import { CHECKPOINT_IDLE, CHECKPOINT_RUNNING, type FromWorker, type ReadRequest, type ReadWorkerData, type SerializedError, type ToWorker } from './storeReadProtocol.js';

/**
 * The store's worker threads. A reader holds one read-only connection (WAL lets it read while the main
 * thread writes) answering the heavy reads, so a page, a count or a search never stalls the main event
 * loop. A checkpointer copies committed WAL frames into the database file in the background, so no
 * commit on the main thread ever pays for a checkpoint.
 */
if (!parentPort) throw new Error('storeReadWorkerImpl runs only as a worker thread');
const port = parentPort;
const data = workerData as ReadWorkerData;
let db: Db | null = null;
let prepare: Prepare | null = null;

function serialize(error: unknown): SerializedError {
  return { code: error instanceof StoreError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
}

function answer(request: Exclude<ReadRequest, { op: 'backup' }>, run: Prepare): unknown {
  switch (request.op) {
    case 'list':
      return listPage(run, request.input, request.now);
    case 'counts':
      return countWorklist(run);
    case 'search':
      return searchEncounterIds(run, request.query, request.limit);
  }
}

/** A copy of the store through its key: VACUUM INTO writes it encrypted as the store is. */
function backup(connection: Db, target: string): null {
  try {
    connection.prepare('VACUUM INTO ?').run(target);
  } catch (error) {
    throw translateSqliteError(error);
  }
  return null;
}

/**
 * How much each look grows the WAL file by until it has its working size: the main thread's writes wait
 * while a piece is written and flushed (~5 ms for 2 MiB here), so it goes in small pieces.
 */
const WAL_GROWTH_PER_LOOK_BYTES = 2 * 1024 * 1024;

/**
 * One piece of the WAL's growth; false once it has its working size, or when it cannot grow (a full
 * disk): that is reported, and only costs commits their speed, so the checkpoints go on without it.
 */
function growWalOnce(connection: Db, walBytes: number): boolean {
  try {
    const size = growWal(connection, `${data.file}-wal`, walBytes, WAL_GROWTH_PER_LOOK_BYTES);
    return size === null || size < walBytes;
  } catch (error) {
    port.postMessage({ type: 'checkpoint_failed', error: serialize(error) } satisfies FromWorker);
    return false;
  }
}

/**
 * PASSIVE checkpoints every `everyMs`: they copy what no reader still needs and never wait for the
 * writer, which keeps committing meanwhile. Nothing to copy costs a look at the WAL index, no I/O. Each
 * look also grows the WAL file a piece toward its working size, until it has it (walPreallocation.ts). The
 * shared state lets the main thread stop the loop between checkpoints (Store.close truncates the WAL).
 */
function checkpointLoop(connection: Db, everyMs: number, walWorkingFrames: number, state: Int32Array): void {
  let last = '';
  const walBytes = walBytesFor(connection, walWorkingFrames);
  let growing = true;
  const tick = () => {
    if (Atomics.compareExchange(state, 0, CHECKPOINT_IDLE, CHECKPOINT_RUNNING) !== CHECKPOINT_IDLE) return connection.close();
    try {
      if (growing) growing = growWalOnce(connection, walBytes);
      const started = performance.now();
      const [result] = connection.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      const seen = `${result?.log}:${result?.checkpointed}`;
      if (result && seen !== last) port.postMessage({ type: 'checkpointed', progress: { walFrames: result.log, backfilledFrames: result.checkpointed, ms: performance.now() - started } } satisfies FromWorker);
      last = seen;
    } catch (error) {
      port.postMessage({ type: 'checkpoint_failed', error: serialize(error) } satisfies FromWorker);
    } finally {
      Atomics.store(state, 0, CHECKPOINT_IDLE);
      Atomics.notify(state, 0);
    }
    setTimeout(tick, everyMs);
  };
  setTimeout(tick, everyMs);
}

function open(key: Uint8Array): FromWorker {
  const binding = data.nativeBinding ? { nativeBinding: data.nativeBinding } : {};
  if (data.role === 'checkpointer') {
    const connection = openConnection(data.file, Buffer.from(key), false, binding);
    // It never commits, but a connection that did would checkpoint inline: the point is not to.
    connection.pragma('wal_autocheckpoint = 0');
    lowerThisThreadPriority();
    checkpointLoop(connection, data.everyMs, data.walWorkingFrames, new Int32Array(data.state));
    return { type: 'opened' };
  }
  db = openConnection(data.file, Buffer.from(key), true, binding);
  const statements = new StatementCache(db);
  prepare = (sql) => statements.get(sql);
  return { type: 'opened' };
}

port.on('message', (message: ToWorker) => {
  let reply: FromWorker;
  if (message.type === 'open') {
    try {
      reply = open(message.key);
    } catch (error) {
      reply = { type: 'open_failed', error: serialize(error) };
    }
    message.key.fill(0);
  } else {
    try {
      if (!prepare || !db) throw new Error('the read worker has no open connection');
      const run = prepare;
      const request = message.request;
      // One read transaction per request, so a page sees one state of the store. VACUUM INTO takes its
      // own (it cannot run inside one).
      const result = request.op === 'backup' ? backup(db, request.target) : db.transaction(() => answer(request, run)).deferred();
      reply = { type: 'result', id: message.id, result };
    } catch (error) {
      reply = { type: 'error', id: message.id, error: serialize(error) };
    }
  }
  port.postMessage(reply);
});
