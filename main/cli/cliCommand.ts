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
