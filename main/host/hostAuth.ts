import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'atrium_session';

/**
 * The host's gatekeeper. A random per-launch token travels once in the printed URL and is exchanged
 * for an HttpOnly, SameSite=Strict cookie, so workers, WASM and image fetches are authorised without
 * the token ever appearing in a script-visible place. Host and Origin are checked on every request,
 * which defeats DNS rebinding and cross-site requests from other pages on the machine.
 */
export class HostAuth {
  readonly token = randomBytes(32).toString('base64url');
  private readonly sessionSecret = randomBytes(32).toString('base64url');
  private port = 0;

  listeningOn(port: number): void {
    this.port = port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get launchUrl(): string {
    return `${this.origin}/?token=${this.token}`;
  }

  hostAllowed(request: IncomingMessage): boolean {
    return request.headers.host === `127.0.0.1:${this.port}`;
  }

  /** A request without Origin is a same-origin navigation or subresource; with one, it must be ours. */
  originAllowed(request: IncomingMessage, required: boolean): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return !required;
    return origin === this.origin;
  }

  tokenMatches(candidate: string | null): boolean {
    return candidate !== null && safeEqual(candidate, this.token);
  }

  hasSession(request: IncomingMessage): boolean {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    return value !== null && safeEqual(value, this.sessionSecret);
  }

  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.sessionSecret}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
