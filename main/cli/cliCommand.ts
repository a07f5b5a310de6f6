import { parseArgs } from 'node:util';

/** What a command gets to talk to the user: stdout for results, stderr for progress and logs. */
export interface CliIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface CliCommandModule {
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CliCommand {
  /** Words that select the command, e.g. ['policy', 'validate']. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  /** Loaded only when the command runs, so `--help` and light commands never pay for heavy ones. */
  readonly load: () => Promise<CliCommandModule>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `<folder> [--json]`, the arguments of the folder commands; anything else is a UsageError. */
export function folderAndJson(args: string[]): { dir: string; json: boolean } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [dir, ...extra] = parsed.positionals;
  if (!dir || extra.length > 0) throw new UsageError('expected exactly one folder');
  return { dir, json: parsed.values.json === true };
}
