import { protocol } from 'electron';
import { Readable } from 'node:stream';
import { readStaticFile } from '../app/staticFiles.js';
import { httpStatusFor } from '../binary/binaryRoutes.js';
import { CallError } from '../ipc/callError.js';
import type { Services } from '../services.js';

type ResponseBody = ConstructorParameters<typeof Response>[0];
import { APP_ORIGIN, APP_SCHEME, appResponseHeaders, appSchemeRoute } from './shellPolicy.js';

/** Must run before `ready`: makes atrium:// a secure, standard origin that can run workers and fetch. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

/** Serves the renderer bundle and the binary route from atrium://app. */
export function serveAppScheme(services: Services, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const route = appSchemeRoute(request.method, request.url);
    if (route.kind === 'refuse') return text(route.status, route.message);
    if (route.kind === 'binary') {
      try {
        const result = await services.binaryRoutes.handle(
          route.pathname,
          new URL(request.url).searchParams,
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
    const file = await readStaticFile(rendererDir, route.pathname);
    if (!file) return text(404, 'Not found');
    return new Response(file.body as unknown as ResponseBody, { headers: { ...appResponseHeaders(), 'Content-Type': file.contentType } });
  });
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
