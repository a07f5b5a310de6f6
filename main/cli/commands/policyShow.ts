import { parseArgs } from 'node:util';
import { SETTING_KEYS } from '../../../preload/contract.js';
import { nodeEnvironment } from '../../host/hostEnvironment.js';
import { Services } from '../../services.js';
import { UsageError, type CliIO } from '../cliCommand.js';

/** The effective settings of this machine and user, and where each comes from. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let json = false;
  try {
    json = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true }).values.json === true;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const services = new Services(nodeEnvironment('cli'));
  const snapshot = services.settings.snapshot();
  if (json) {
    io.stdout.write(`${JSON.stringify(snapshot)}\n`);
  } else {
    if (snapshot.policyError) io.stdout.write(`POLICY ERROR (all settings locked at defaults): ${snapshot.policyError}\n\n`);
    const width = Math.max(...SETTING_KEYS.map((k) => k.length));
    for (const key of SETTING_KEYS) {
      const source = snapshot.sources[key] === 'policy' ? 'enforced by policy' : snapshot.sources[key];
      io.stdout.write(`${key.padEnd(width)}  ${JSON.stringify(snapshot.values[key]).padEnd(28)}  ${source}\n`);
    }
  }
  await services.dispose();
  return snapshot.policyError ? 1 : 0;
}
