import { protocol } from 'electron';
import { Readable } from 'node:stream';
import { readStaticFile } from '../app/staticFiles.js';
import { BINARY_PREFIX, httpStatusFor } from '../binary/binaryRoutes.js';
import { CallError } from '../ipc/callError.js';
import type { Services } from '../services.js';

type ResponseBody = ConstructorParameters<typeof Response>[0];
import { APP_HOST, APP_ORIGIN, APP_SCHEME, appResponseHeaders } from './hardening.js';

/** Must run before `ready`: makes atrium:// a secure, standard origin that can run workers and fetch. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

/** Serves the renderer bundle and the binary route from atrium://app. */
export function serveAppScheme(services: Services, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return text(404, 'Not found');
    // The renderer only ever reads: no uploads or form posts into the app's own files.
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed');
    if (url.pathname.startsWith(BINARY_PREFIX)) {
      try {
        const result = await services.binaryRoutes.handle(
          url.pathname,
          url.searchParams,
          { origin: APP_ORIGIN, frameUrl: request.referrer || `${APP_ORIGIN}/`, principal: services.principal.current() },
          request.signal,
        );
        const body = result.body instanceof Uint8Array ? result.body : (Readable.toWeb(Readable.from(result.body)) as ReadableStream<Uint8Array>);
        return new Response(body as ResponseBody, { headers: { 'Content-Type': result.contentType, 'Cache-Control': 'no-store', ...result.headers } });
      } catch (error) {
        if (error instanceof CallError) return text(httpStatusFor(error.code), error.message);
        services.log.error('protocol.binary_failed', { error: error as Error });
        return text(500, 'Internal error');
      }
    }
    // Only files of the packaged bundle: no traversal, no symbolic links out of it.
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return text(404, 'Not found');
    return new Response(file.body as unknown as ResponseBody, { headers: { ...appResponseHeaders(), 'Content-Type': file.contentType } });
  });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
