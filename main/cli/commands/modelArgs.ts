import { join } from 'node:path';
import { sourceResourcesDir } from '../../app/paths.js';
import { UsageError } from '../cliCommand.js';

/** Parses `--name value` options; every name must be known, values are required. */
export function parseOptions(args: readonly string[], known: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    const name = a.slice(2);
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
    i++;
  }
  return out;
}

export function required(options: Record<string, string>, name: string): string {
  const v = options[name];
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

/** The shipped model: resources/model/atrium-model.json.gz (ATRIUM_MODEL overrides). */
export function defaultModelPath(): string {
  return process.env.ATRIUM_MODEL ?? join(sourceResourcesDir(), 'model', 'atrium-model.json.gz');
}
