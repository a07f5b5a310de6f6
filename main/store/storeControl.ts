import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { Store } from './store.js';
import { backupStoreOffMain, exportUnsent, storeStats } from './storeOps.js';

/**
 * `atrium store stats|backup|export` beside a running Atrium. The running app holds the store key
 * (sealed by the OS, which a CLI process may not unseal), so it answers these itself on a local socket
 * (a named pipe on Windows). Each launch writes a random token to `store-control.json` in the user data
 * folder with mode 0600: only this OS user can read it, and the socket serves nobody without it.
 */
export const CONTROL_FILE = 'store-control.json';
const MAX_REQUEST_BYTES = 64 * 1024;

const ControlFileSchema = z.object({ socket: z.string().min(1), token: z.string().min(32), pid: z.number().int() });
const RequestSchema = z.discriminatedUnion('op', [
  z.object({ token: z.string(), op: z.literal('stats') }).strict(),
  z.object({ token: z.string(), op: z.literal('backup'), file: z.string().min(1).max(4096) }).strict(),
  z.object({ token: z.string(), op: z.literal('export'), dir: z.string().min(1).max(4096) }).strict(),
]);
export type StoreControlRequest = { op: 'stats' } | { op: 'backup'; file: string } | { op: 'export'; dir: string };
export type StoreControlReply = { ok: true; result: unknown } | { ok: false; message: string };

function socketPath(userDataDir: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\atrium-store-${createHash('sha256').update(userDataDir).digest('hex').slice(0, 16)}`;
  return join(userDataDir, 'store.sock');
}

async function perform(store: Store, request: StoreControlRequest): Promise<unknown> {
  switch (request.op) {
    case 'stats':
      return storeStats(store);
    case 'backup':
      // Copying a large store takes seconds: never on the app's main thread.
      return backupStoreOffMain(store, request.file);
    case 'export':
      return exportUnsent(store, request.dir);
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Serves the store operations of the running app; returns a function that stops serving. */
export async function startStoreControl(store: Store, userDataDir: string): Promise<() => Promise<void>> {
  const token = randomBytes(32).toString('base64url');
  const socket = socketPath(userDataDir);
  if (process.platform !== 'win32') rmSync(socket, { force: true });
  const server = createServer((connection) => {
    let buffered = '';
    let asked = false;
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      // One request per connection: what follows the first line is not read.
      if (asked) return;
      buffered += chunk;
      if (buffered.length > MAX_REQUEST_BYTES) return connection.destroy();
      const end = buffered.indexOf('\n');
      if (end === -1) return;
      asked = true;
      void answer(buffered.slice(0, end)).then((reply) => connection.end(`${JSON.stringify(reply)}\n`));
    });
    connection.on('error', () => connection.destroy());
  });
  const answer = async (line: string): Promise<StoreControlReply> => {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return { ok: false, message: 'not a request' };
    }
    const parsed = RequestSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, message: 'not a request' };
    if (!sameToken(parsed.data.token, token)) return { ok: false, message: 'not authorised' };
    try {
      return { ok: true, result: await perform(store, parsed.data) };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  server.unref();
  const controlFile = join(userDataDir, CONTROL_FILE);
  rmSync(controlFile, { force: true });
  const fd = openSync(controlFile, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ socket, token, pid: process.pid }));
  } finally {
    closeSync(fd);
  }
  return async () => {
    rmSync(controlFile, { force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/**
 * Asks the running Atrium of this user data folder to do `request`. Null when none is running (no
 * control file, or nobody listening on its socket): the caller then opens the store itself.
 */
export async function askRunningStore(userDataDir: string, request: StoreControlRequest): Promise<StoreControlReply | null> {
  let control: z.infer<typeof ControlFileSchema>;
  try {
    control = ControlFileSchema.parse(JSON.parse(readFileSync(join(userDataDir, CONTROL_FILE), 'utf8')));
  } catch {
    return null;
  }
  return new Promise((resolve) => {
    let connection: Socket;
    let reply = '';
    try {
      connection = createConnection(control.socket);
    } catch {
      return resolve(null);
    }
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(`${JSON.stringify({ ...request, token: control.token })}\n`));
    connection.on('data', (chunk: string) => (reply += chunk));
    connection.on('error', () => resolve(null));
    connection.on('end', () => {
      try {
        resolve(JSON.parse(reply) as StoreControlReply);
      } catch {
        resolve({ ok: false, message: 'The running Atrium gave no answer.' });
      }
    });
  });
}
