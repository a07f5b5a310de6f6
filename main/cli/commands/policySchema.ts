import { policyJsonSchema } from '../../config/policy.js';
import type { CliIO } from '../cliCommand.js';

export async function run(_args: string[], io: CliIO): Promise<number> {
  io.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  return 0;
}
