import { readFile } from 'node:fs/promises';
import { PolicyError, parsePolicy } from '../../config/policy.js';
import { UsageError, type CliIO } from '../cliCommand.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const [file, ...extra] = args;
  if (!file || extra.length > 0) throw new UsageError('expected exactly one policy file');
  try {
    const policy = parsePolicy(await readFile(file, 'utf8'), file);
    const enforced = Object.keys(policy.enforced ?? {});
    io.stdout.write(`${file}: valid; enforces ${enforced.length ? enforced.join(', ') : 'nothing'}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PolicyError || (error as NodeJS.ErrnoException).code) {
      io.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
