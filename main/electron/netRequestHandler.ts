import { session } from 'electron';
import { FetchRequestHandler, type FetchLike } from '../aws/fetchRequestHandler.js';

/**
 * The AWS SDK's request handler in the app: Chromium's network stack through `session.fetch`, so
 * calls follow the system proxy and PAC script and trust the OS certificate store (corporate TLS
 * inspection). A separate in-memory session keeps AWS traffic away from the renderer's cookies and
 * cache. The request logic lives in main/aws/fetchRequestHandler.ts, tested with Node's fetch.
 * Must be called after `app.whenReady()`.
 */
export function createNetRequestHandler(): FetchRequestHandler {
  const awsSession = session.fromPartition('atrium-aws', { cache: false });
  const fetchImpl: FetchLike = (url, init) =>
    awsSession.fetch(url, { ...init, body: init.body as RequestInit['body'], credentials: 'omit', bypassCustomProtocolHandlers: true });
  return new FetchRequestHandler(fetchImpl, { requestTimeoutMs: 30_000 });
}
