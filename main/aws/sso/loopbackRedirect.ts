import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const CALLBACK_PATH = '/oauth/callback';

export interface LoopbackRedirect {
  readonly redirectUri: string;
  /** Resolves with the authorization code once the browser comes back with the expected state. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

const PAGE = (message: string) =>
  `<!doctype html><meta charset="utf-8"><title>Atrium</title><p>${message}</p><p>You can close this tab and return to Atrium.</p>`;

/**
 * A one-shot HTTP listener on 127.0.0.1 for the authorization-code redirect (RFC 8252 §7.3). It
 * accepts exactly one callback carrying the expected `state`, then stops listening. The port is
 * picked by the OS; Identity Center accepts any port on a loopback redirect.
 */
export async function openLoopbackRedirect(expectedState: string, signal: AbortSignal): Promise<LoopbackRedirect> {
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  code.catch(() => undefined);
  let done = false;
  const finish = (error: Error | null, value?: string) => {
    if (done) return;
    done = true;
    if (error) settle.reject(error);
    else settle.resolve(value as string);
    void close();
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, message: string) => {
      response.writeHead(status, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'none'",
        'Referrer-Policy': 'no-referrer',
      });
      response.end(PAGE(message));
    };
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH || done) return reply(404, 'Nothing here.');
    // A callback without our state is someone else's (or forged): ignore it, keep waiting.
    if (url.searchParams.get('state') !== expectedState) return reply(400, 'This sign-in link does not belong to this Atrium window.');
    const error = url.searchParams.get('error');
    if (error) {
      reply(200, 'Sign-in was not completed.');
      return finish(new Error(`Identity Center returned ${error.slice(0, 60)}`));
    }
    const value = url.searchParams.get('code');
    if (!value) return reply(400, 'The sign-in answer carried no code.');
    reply(200, 'Signed in to Atrium.');
    finish(null, value);
  });

  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  signal.addEventListener('abort', () => finish(new Error('Sign-in was cancelled')), { once: true });
  const port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    code,
    close: () => {
      finish(new Error('Sign-in was cancelled'));
      return close();
    },
  };
}
