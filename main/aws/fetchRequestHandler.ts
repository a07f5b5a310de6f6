import { Readable } from 'node:stream';
import type { HttpHandlerOptions, HttpRequest, HttpResponse } from '@smithy/types';
import type { AwsRequestHandler } from './awsClientFactory.js';

/** The part of the Fetch API this handler needs: Node's global fetch and Electron's `net.fetch` both fit. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array | string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{
  status: number;
  statusText?: string;
  headers: { forEach(callback: (value: string, key: string) => void): void };
  body: ReadableStream<Uint8Array> | null;
}>;

export interface FetchRequestHandlerOptions {
  /** Whole-request limit, also applied when the SDK gives none. */
  requestTimeoutMs?: number;
}

/** Headers the fetch layer sets itself (and Chromium refuses to take from a caller). */
const DROPPED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'keep-alive']);

/**
 * An AWS SDK request handler over a Fetch-style function. In Electron that function is `net.fetch`,
 * so SDK traffic goes through Chromium's network stack: the system proxy and PAC script, the OS
 * trust store (corporate TLS inspection roots), and the OS's client-certificate and auth prompts.
 * SigV4 signs the `Host` header; the fetch layer sends the same host from the URL, so signatures hold.
 */
export class FetchRequestHandler implements AwsRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly options: FetchRequestHandlerOptions = {},
  ) {}

  async handle(request: HttpRequest, handlerOptions: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const controller = new AbortController();
    const external = handlerOptions.abortSignal as AbortSignal | undefined;
    const onAbort = () => controller.abort(abortError('Request aborted'));
    if (external?.aborted) onAbort();
    external?.addEventListener?.('abort', onAbort, { once: true });
    const timeoutMs = handlerOptions.requestTimeout ?? this.options.requestTimeoutMs ?? 30_000;
    const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
    try {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
      const body = await requestBody(request.body);
      const response = await this.fetchImpl(requestUrl(request), {
        method: request.method,
        headers,
        ...(body !== undefined && request.method !== 'GET' && request.method !== 'HEAD' ? { body } : {}),
        signal: controller.signal,
        redirect: 'manual',
      }).catch((error: unknown) => {
        throw controller.signal.aborted ? (controller.signal.reason as Error) : networkError(error);
      });
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        const name = key.toLowerCase();
        responseHeaders[name] = responseHeaders[name] === undefined ? value : `${responseHeaders[name]}, ${value}`;
      });
      return {
        response: {
          statusCode: response.status,
          ...(response.statusText ? { reason: response.statusText } : {}),
          headers: responseHeaders,
          body: response.body ? Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]) : Readable.from([]),
        },
      };
    } finally {
      clearTimeout(timer);
      external?.removeEventListener?.('abort', onAbort);
    }
  }

  updateHttpClientConfig(): void {
    // Nothing to update: proxy and TLS come from the OS through the fetch layer.
  }

  httpHandlerConfigs(): object {
    return {};
  }

  destroy(): void {
    // No sockets of our own.
  }
}

export function requestUrl(request: HttpRequest): string {
  const port = request.port ? `:${request.port}` : '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(request.query ?? {})) {
    const name = encodeURIComponent(key);
    if (value === null || value === undefined) parts.push(name);
    else for (const one of Array.isArray(value) ? value : [value]) parts.push(`${name}=${encodeURIComponent(one)}`);
  }
  const query = parts.length ? `?${parts.join('&')}` : '';
  const protocol = request.protocol.endsWith(':') ? request.protocol : `${request.protocol}:`;
  return `${protocol}//${request.hostname}${port}${request.path}${query}`;
}

async function requestBody(body: unknown): Promise<Uint8Array | string | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof Readable || (typeof body === 'object' && Symbol.asyncIterator in body)) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError('Unsupported request body for the fetch request handler');
}

function abortError(message: string): Error {
  return Object.assign(new Error(message), { name: 'AbortError' });
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`Request timed out after ${ms} ms`), { name: 'TimeoutError' });
}

/** Fetch rejects with a bare TypeError; keep the cause's code so callers can tell "offline". */
function networkError(error: unknown): Error {
  const cause = (error as { cause?: { code?: string } }).cause;
  return Object.assign(new Error(`Network request failed: ${(error as Error).message}`), {
    name: 'NetworkError',
    ...(cause?.code ? { code: cause.code } : {}),
    cause: error,
  });
}
