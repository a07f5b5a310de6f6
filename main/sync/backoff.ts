/**
 * Exponential backoff with "equal jitter" after the n-th consecutive failure: half the delay fixed,
 * half random, so retries from many stations spread out but never come back at once.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
