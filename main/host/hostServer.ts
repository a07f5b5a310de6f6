import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SocketRequestSchema, type CallReply } from '../../preload/contract.js';
import { readStaticFile } from '../app/staticFiles.js';
import { BINARY_PREFIX, httpStatusFor, type BinaryResponse } from '../binary/binaryRoutes.js';
import { connectServiceEvents } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import { CallError } from '../ipc/callError.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { securityHeaders } from '../security/contentSecurityPolicy.js';
import type { Services } from '../services.js';
import { HostAuth } from './hostAuth.js';

/** Calls are small JSON; anything bigger is a bug or an attack. Frames go over the binary route. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const RPC_PATH = '/rpc';

export interface HostOptions {
  services: Services;
  registry: HandlerRegistry;
  /** The built renderer bundle (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningHost {
  /** The URL to open once: it carries the per-launch token. */
  readonly launchUrl: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the station to a plain browser on 127.0.0.1: the renderer bundle and the binary route over
 * HTTP, the contract over a WebSocket, all behind the token-and-cookie check.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const { services, registry, rendererDir } = options;
  const auth = new HostAuth();
  const sockets = new Set<WebSocket>();
  const log = services.log;

  const server: Server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      log.error('host.http_failed', { error: error as Error });
      if (!response.headersSent) send(response, 500, 'Internal error');
      else response.destroy();
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!auth.hostAllowed(request)) return send(response, 421, 'Wrong host');
    if (!auth.originAllowed(request, false)) return send(response, 403, 'Foreign origin');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'Method not allowed');
    const url = new URL(request.url ?? '/', auth.origin);

    const token = url.searchParams.get('token');
    if (token !== null) {
      if (!auth.tokenMatches(token)) return send(response, 401, 'This link is no longer valid. Use the URL printed when Atrium started.');
      response.writeHead(303, { Location: '/', 'Set-Cookie': auth.sessionCookie(), 'Cache-Control': 'no-store' });
      return void response.end();
    }
    if (!auth.hasSession(request)) {
      return send(response, 401, 'Not authorised. Open the URL printed when Atrium started (it carries the access token).');
    }
    if (url.pathname.startsWith(BINARY_PREFIX)) return serveBinary(url, request, response);

    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return send(response, 404, 'Not found');
    response.writeHead(200, {
      ...securityHeaders([auth.origin.replace('http:', 'ws:')]),
      'Content-Type': file.contentType,
      'Content-Length': String(file.body.length),
      'Cache-Control': url.pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  async function serveBinary(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const abort = new AbortController();
    response.on('close', () => abort.abort());
    let result: BinaryResponse;
    try {
      result = await services.binaryRoutes.handle(url.pathname, url.searchParams, contextFor(request), abort.signal);
    } catch (error) {
      if (error instanceof CallError) return send(response, httpStatusFor(error.code), error.message);
      throw error;
    }
    response.writeHead(200, {
      'Content-Type': result.contentType,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...result.headers,
    });
    if (result.body instanceof Uint8Array) return void response.end(result.body);
    for await (const chunk of result.body) {
      if (abort.signal.aborted) return;
      if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
    }
    response.end();
  }

  function contextFor(request: IncomingMessage): CallContext {
    return { origin: auth.origin, frameUrl: request.headers.referer ?? `${auth.origin}/`, principal: services.principal.current() };
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_MESSAGE_BYTES });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(request.url ?? '/', auth.origin).pathname;
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== RPC_PATH) return refuse(404, 'Not Found');
    if (!auth.hostAllowed(request)) return refuse(421, 'Misdirected Request');
    if (!auth.originAllowed(request, true)) return refuse(403, 'Forbidden');
    if (!auth.hasSession(request)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(request, socket, head, (ws) => onSocket(ws, contextFor(request)));
  });

  function onSocket(ws: WebSocket, baseContext: CallContext): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', (error) => log.warn('host.socket_error', { error }));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(ws, data, isBinary, baseContext);
    });
  }

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean, baseContext: CallContext): Promise<void> {
    const reply = (id: number | null, body: CallReply) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, ...body }));
    };
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      return reply(null, { ok: false, error: { code: 'too_large', message: `Message of ${size} bytes exceeds ${MAX_MESSAGE_BYTES}` } });
    }
    if (isBinary) return reply(null, { ok: false, error: { code: 'malformed', message: 'Binary messages are not accepted' } });
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
    } catch {
      return reply(null, { ok: false, error: { code: 'malformed', message: 'Message is not valid JSON' } });
    }
    const request = SocketRequestSchema.safeParse(parsed);
    if (!request.success) {
      const id = typeof (parsed as { id?: unknown })?.id === 'number' ? (parsed as { id: number }).id : null;
      return reply(id, { ok: false, error: { code: 'malformed', message: 'Message must be {id, method, input}' } });
    }
    const context: CallContext = { ...baseContext, principal: services.principal.current() };
    reply(request.data.id, await registry.invoke(request.data.method, request.data.input, context));
  }

  const stopEvents = connectServiceEvents(services);
  const unsubscribe = services.events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  auth.listeningOn(port);
  log.info('host.listening', { port });
  services.openWorklistEarly();

  return {
    launchUrl: auth.launchUrl,
    origin: auth.origin,
    port,
    async close() {
      unsubscribe();
      stopEvents();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  response.end(`${text}\n`);
}
