import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SETTING_KEYS, SettingsSchema, type SettingKey, type Settings } from '../../preload/contract.js';

/** The schema of one setting's value, without its default: policy and users must state a value. */
export function settingValueSchema(key: SettingKey): z.ZodType {
  return SettingsSchema.shape[key].unwrap();
}

const partialSettings = z
  .object(Object.fromEntries(SETTING_KEYS.map((key) => [key, settingValueSchema(key).optional()])))
  .strict();

/**
 * The managed policy an administrator deploys: `enforced` values are locked for the user;
 * `defaults` replace the built-in defaults and stay editable.
 */
export const PolicySchema = z
  .object({
    $schema: z.string().optional(),
    enforced: partialSettings.optional(),
    defaults: partialSettings.optional(),
  })
  .strict()
  .meta({ title: 'Atrium managed policy', description: 'Machine-wide settings for Atrium, deployed by IT.' });
export type Policy = { enforced?: Partial<Settings>; defaults?: Partial<Settings> };

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** Where IT puts the policy on each OS. ATRIUM_POLICY_FILE overrides it (tests, portable installs). */
export function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ATRIUM_POLICY_FILE) return env.ATRIUM_POLICY_FILE;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'Atrium', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Atrium/policy.json';
  return '/etc/atrium/policy.json';
}

export function parsePolicy(text: string, source: string): Policy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  return validatePolicy(json, source);
}

export function validatePolicy(json: unknown, source: string): Policy {
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PolicyError(`${source} does not match the policy schema: ${details}`);
  }
  return parsed.data as Policy;
}

/** A missing file means no policy; an unreadable or invalid one is an error, never silently ignored. */
export function readPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new PolicyError(`Cannot read policy ${path}: ${(error as Error).message}`);
  }
  return parsePolicy(text, path);
}

/**
 * The machine's policy: the file, overlaid on Windows by the registry (Group Policy and Intune write
 * there, and it wins key by key). Throws PolicyError when either source is invalid.
 */
export function readMachinePolicy(path: string, registry: { source: string; values: unknown } | null): Policy {
  const file = readPolicyFile(path);
  if (!registry) return file;
  const fromRegistry = validatePolicy(registry.values, registry.source);
  return {
    enforced: { ...file.enforced, ...fromRegistry.enforced },
    defaults: { ...file.defaults, ...fromRegistry.defaults },
  };
}

export function policyJsonSchema(): unknown {
  return z.toJSONSchema(PolicySchema, { target: 'draft-2020-12', io: 'input' });
}
