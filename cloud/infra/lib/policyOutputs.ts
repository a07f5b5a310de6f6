/**
 * From stack outputs to the desktop's managed policy (`{ "enforced": { … } }`, see main/config/policy.ts
 * and resources/policy.schema.json).
 *
 * Two sources:
 * - the JSON `cdk deploy --outputs-file <file>` writes after a deployment: `{ <stack>: { <output>: value } }`;
 * - offline, a synthesized cloud assembly (cdk.out): literal output values are taken as they are, the region
 *   from the stack's environment; values only known after deployment (the datastore id) are left out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** Stack output name → desktop policy key. */
export const POLICY_OUTPUTS = {
  AtriumRegion: 'aws.region',
  AtriumSageMakerEndpointName: 'aws.sagemaker.endpointName',
  AtriumHealthImagingDatastoreId: 'aws.healthImaging.datastoreId',
  AtriumEventBusName: 'aws.eventBridge.busName',
} as const;
export type PolicyOutputName = keyof typeof POLICY_OUTPUTS;
export type PolicyKey = (typeof POLICY_OUTPUTS)[PolicyOutputName];

/** The formats the desktop accepts for these keys (mirrors SettingsSchema in preload/contract.ts). */
const VALUE_FORMATS: Record<PolicyKey, RegExp> = {
  'aws.region': /^[a-z]{2}(-[a-z]+)+-\d$/,
  'aws.sagemaker.endpointName': /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
  'aws.healthImaging.datastoreId': /^[0-9a-z]{32}$/,
  'aws.eventBridge.busName': /^[A-Za-z0-9._\-/]{1,256}$/,
};

export interface DesktopPolicy {
  enforced: Partial<Record<PolicyKey, string>>;
}

export class PolicyOutputError extends Error {
  override readonly name = 'PolicyOutputError';
}

const OutputsFileSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

/** Builds the policy from output values; values in a wrong format are an error, not silently dropped. */
export function policyFromOutputValues(values: Partial<Record<PolicyOutputName, string>>): DesktopPolicy {
  const enforced: Partial<Record<PolicyKey, string>> = {};
  for (const [output, key] of Object.entries(POLICY_OUTPUTS) as Array<[PolicyOutputName, PolicyKey]>) {
    const value = values[output];
    if (value === undefined) continue;
    if (!VALUE_FORMATS[key].test(value)) throw new PolicyOutputError(`Output ${output} (${key}) has an invalid value: ${JSON.stringify(value)}`);
    enforced[key] = value;
  }
  if (!enforced['aws.region']) throw new PolicyOutputError('No region in the outputs (output AtriumRegion)');
  return { enforced };
}

/** Reads the file written by `cdk deploy --outputs-file`. */
export function policyFromOutputsFile(text: string, source: string): DesktopPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyOutputError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = OutputsFileSchema.safeParse(json);
  if (!parsed.success) throw new PolicyOutputError(`${source} is not a cdk outputs file ({ stack: { output: value } })`);
  const values: Partial<Record<PolicyOutputName, string>> = {};
  for (const outputs of Object.values(parsed.data)) {
    for (const name of Object.keys(POLICY_OUTPUTS) as PolicyOutputName[]) {
      const value = outputs[name];
      if (typeof value === 'string') values[name] = value;
    }
  }
  return policyFromOutputValues(values);
}

const ManifestSchema = z.object({
  artifacts: z.record(
    z.string(),
    z.object({
      type: z.string(),
      environment: z.string().optional(),
      properties: z.object({ templateFile: z.string().optional() }).passthrough().optional(),
    }).passthrough(),
  ),
});
const TemplateSchema = z.object({ Outputs: z.record(z.string(), z.object({ Value: z.unknown() }).passthrough()).optional() }).passthrough();

export interface SynthPolicy {
  policy: DesktopPolicy;
  /** Outputs whose values are only known after deployment. */
  unresolved: PolicyOutputName[];
}

/** Reads a synthesized cloud assembly (the folder with manifest.json). */
export function policyFromCloudAssembly(assemblyDir: string): SynthPolicy {
  const manifestPath = join(assemblyDir, 'manifest.json');
  let manifest: z.infer<typeof ManifestSchema>;
  try {
    manifest = ManifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  } catch (error) {
    throw new PolicyOutputError(`Cannot read the cloud assembly manifest ${manifestPath}: ${(error as Error).message}`);
  }
  const values: Partial<Record<PolicyOutputName, string>> = {};
  const unresolved = new Set<PolicyOutputName>();
  for (const artifact of Object.values(manifest.artifacts)) {
    const templateFile = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || !templateFile) continue;
    const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
    const template = TemplateSchema.parse(JSON.parse(readFileSync(join(dirname(manifestPath), templateFile), 'utf8')));
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      if (!(name in POLICY_OUTPUTS)) continue;
      const key = name as PolicyOutputName;
      const value = output.Value;
      if (typeof value === 'string') values[key] = value;
      else if (isRef(value, 'AWS::Region') && region && region !== 'unknown-region') values[key] = region;
      else unresolved.add(key);
    }
  }
  return { policy: policyFromOutputValues(values), unresolved: [...unresolved] };
}

function isRef(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: unknown }).Ref === name;
}
