import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_ROOT } from '../main/app/paths.js';

/** Progress and logs: never stdout, which carries the one result line. */
export function benchLog(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Prints the result as one compact JSON line, last on stdout. */
export function printResult(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * A generated fixture cached under `.cache/bench/<name>-v<schemaVersion>/` (gitignored). Bump the
 * schema version whenever the generator's output changes, so a stale fixture is never measured.
 */
export async function cachedFixture(name: string, schemaVersion: number, build: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(SOURCE_ROOT, '.cache', 'bench', `${name}-v${schemaVersion}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  benchLog(`building fixture ${name} v${schemaVersion} (cached for next time)`);
  await build(staging);
  mkdirSync(join(staging, '.complete'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

/** Percentile of a sample (nearest rank), for latency figures. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
