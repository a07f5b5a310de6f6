import type { SSOClient } from '@aws-sdk/client-sso';
import type { Clock } from '../../session/clock.js';

/**
 * Tracks how far the service's clock is from ours, from the `Date` header of every answer, so that
 * an absolute expiry the service sends (GetRoleCredentials) is read on our clock.
 */
export class ServerClock {
  private offsetMs = 0;
  constructor(private readonly clock: Clock) {}

  /** Adds a middleware to an SDK client that records the skew from each response. */
  attach(client: { middlewareStack: SSOClient['middlewareStack'] }): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
        const date = headers?.date ?? headers?.Date;
        if (date) this.observe(Date.parse(date));
        return result;
      },
      { step: 'deserialize', name: 'atriumServerClock', override: true },
    );
  }

  observe(serverMs: number): void {
    if (Number.isFinite(serverMs)) this.offsetMs = serverMs - this.clock.now();
  }

  /** Server time → local time. Offsets under two seconds are the Date header's own rounding. */
  toLocal(serverMs: number): number {
    return Math.abs(this.offsetMs) < 2_000 ? serverMs : serverMs - this.offsetMs;
  }

  get skewMs(): number {
    return this.offsetMs;
  }
}
