import type { CliIO } from '../cliCommand.js';

export async function run(_args: string[], io: CliIO): Promise<number> {
  io.stderr.write('serve: not wired yet\n');
  return 1;
}
