import type { CallContext } from '../ipc/callContext.js';
import { CallError } from '../ipc/callError.js';

/**
 * Large payloads (image frames, thumbnails) do not go through the JSON contract: they are served at
 * `/binary/<route>/<rest>` from the app's own origin, as a custom-protocol response in Electron and an
 * HTTP response in the host, behind the same authorisation as the calls.
 */
export interface BinaryRequest {
  /** The path after `/binary/<route>/`, still percent-encoded. */
  readonly rest: string;
  readonly query: URLSearchParams;
  readonly context: CallContext;
  /** Aborted when the renderer cancels the fetch or goes away. */
  readonly signal: AbortSignal;
}

export interface BinaryResponse {
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type BinaryHandler = (request: BinaryRequest) => Promise<BinaryResponse>;

export const BINARY_PREFIX = '/binary/';
const ROUTE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export class BinaryRoutes {
  private readonly routes = new Map<string, BinaryHandler>();

  register(name: string, handler: BinaryHandler): void {
    if (!ROUTE_NAME.test(name)) throw new Error(`Invalid binary route name ${name}`);
    if (this.routes.has(name)) throw new Error(`Binary route ${name} registered twice`);
    this.routes.set(name, handler);
  }

  /** Resolves `/binary/<route>/<rest>`; throws CallError for an unknown route. */
  async handle(pathname: string, query: URLSearchParams, context: CallContext, signal: AbortSignal): Promise<BinaryResponse> {
    if (!pathname.startsWith(BINARY_PREFIX)) throw new CallError('not_found', 'Not a binary route');
    const tail = pathname.slice(BINARY_PREFIX.length);
    const slash = tail.indexOf('/');
    const name = slash === -1 ? tail : tail.slice(0, slash);
    const handler = this.routes.get(name);
    if (!handler) throw new CallError('not_found', `No binary route ${JSON.stringify(name.slice(0, 40))}`);
    return handler({ rest: slash === -1 ? '' : tail.slice(slash + 1), query, context, signal });
  }
}

/** HTTP status for a CallError code, shared by both transports of the binary route. */
export function httpStatusFor(code: CallError['code']): number {
  switch (code) {
    case 'not_found':
    case 'unknown_method':
      return 404;
    case 'forbidden':
    case 'locked':
      return 403;
    case 'invalid_input':
    case 'malformed':
      return 400;
    case 'too_large':
      return 413;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
    case 'internal':
      return 500;
  }
}
