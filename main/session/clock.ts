/**
 * Time as the session code sees it. Production uses the wall clock; tests use `ManualClock` so an
 * idle lock or a five-second `slow_down` never makes a test sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to; `sleep` advances it at once and records the wait. */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private current = Date.UTC(2026, 0, 1, 8, 0, 0)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason as Error;
    this.sleeps.push(ms);
    this.current += ms;
    // Let other promises run, as a real wait would.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
