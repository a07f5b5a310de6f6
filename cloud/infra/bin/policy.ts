/**
 * Writes the Atrium desktop policy file from the stack outputs.
 *
 *   npm run -w cloud policy -- [--outputs cdk-outputs.json | --assembly cdk.out] [--out policy.json]
 *
 * Without --outputs or --assembly it uses cloud/cdk-outputs.json when present (written by
 * `cdk deploy --all --outputs-file cdk-outputs.json`), otherwise the synthesized cloud/cdk.out.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLOUD_DIR } from '../lib/config.js';
import { policyFromCloudAssembly, policyFromOutputsFile, PolicyOutputError, type DesktopPolicy } from '../lib/policyOutputs.js';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { outputs: { type: 'string' }, assembly: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write('usage: npm run -w cloud policy -- [--outputs <cdk-outputs.json> | --assembly <cdk.out>] [--out <policy.json>]\n');
    return 0;
  }
  let policy: DesktopPolicy;
  const defaultOutputs = resolve(CLOUD_DIR, 'cdk-outputs.json');
  const outputsFile = values.outputs ?? (values.assembly === undefined && existsSync(defaultOutputs) ? defaultOutputs : undefined);
  if (outputsFile) {
    policy = policyFromOutputsFile(readFileSync(outputsFile, 'utf8'), outputsFile);
    process.stderr.write(`policy: from deployment outputs ${outputsFile}\n`);
  } else {
    const assembly = resolve(values.assembly ?? resolve(CLOUD_DIR, 'cdk.out'));
    const result = policyFromCloudAssembly(assembly);
    policy = result.policy;
    process.stderr.write(`policy: from synthesized templates in ${assembly}\n`);
    if (result.unresolved.length > 0) {
      process.stderr.write(`policy: known only after deployment, left out: ${result.unresolved.join(', ')}\n`);
    }
  }
  const text = `${JSON.stringify(policy, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    process.stderr.write(`policy: wrote ${values.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof PolicyOutputError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
    process.stderr.write(`policy: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
