import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { SETTING_KEYS, type SettingKey } from '../../preload/contract.js';
import { settingValueSchema } from './policy.js';

/** Where Group Policy and Intune put Atrium's policy on Windows; values named by setting key. */
export const REGISTRY_POLICY_KEY = 'HKLM\\Software\\Policies\\Atrium';

type Section = 'enforced' | 'defaults';
const SECTION_KEYS: Record<string, Section> = { enforced: 'enforced', defaults: 'defaults' };

/**
 * Reads the output of `reg query HKLM\Software\Policies\Atrium /s`: values under the `Enforced` and
 * `Defaults` subkeys become policy entries. REG_DWORD becomes a number or boolean as the setting
 * needs; an empty REG_SZ clears a nullable setting. Unknown names are kept so validation reports them.
 */
export function parseRegQuery(output: string): Record<string, Record<string, unknown>> {
  const policy: Record<string, Record<string, unknown>> = {};
  let section: Section | null = null;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (/^HKEY_/i.test(line)) {
      const sub = line.split('\\').at(-1)?.toLowerCase() ?? '';
      section = SECTION_KEYS[sub] ?? null;
      continue;
    }
    const value = /^\s+(\S+)\s+(REG_SZ|REG_DWORD|REG_EXPAND_SZ)\s*(.*)$/.exec(line);
    if (!value || !section) continue;
    const [, name, type, data = ''] = value as unknown as [string, string, string, string];
    (policy[section] ??= {})[name] = convert(name, type, data.trim());
  }
  return policy;
}

function convert(name: string, type: string, data: string): unknown {
  const known = (SETTING_KEYS as string[]).includes(name);
  if (type === 'REG_DWORD') {
    const n = Number.parseInt(data, 16);
    if (known && settingValueSchema(name as SettingKey).safeParse(true).success) return n !== 0;
    return n;
  }
  if (data === '' && known && settingValueSchema(name as SettingKey).safeParse(null).success) return null;
  // A list (the verification labels) is one REG_SZ, comma-separated.
  if (known && settingValueSchema(name as SettingKey) instanceof z.ZodArray) return data.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return data;
}

/** The registry policy on Windows; null elsewhere or when the key does not exist. */
export function readRegistryPolicy(
  platform: NodeJS.Platform = process.platform,
  run: (args: string[]) => string = defaultRun,
): { source: string; values: unknown } | null {
  if (platform !== 'win32') return null;
  let output: string;
  try {
    output = run(['query', REGISTRY_POLICY_KEY, '/s']);
  } catch {
    // `reg query` exits 1 when the key is absent: no registry policy.
    return null;
  }
  return { source: REGISTRY_POLICY_KEY, values: parseRegQuery(output) };
}

function defaultRun(args: string[]): string {
  return execFileSync('reg', args, { encoding: 'utf8', windowsHide: true, timeout: 5_000 });
}
