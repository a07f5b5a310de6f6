import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError, readMachinePolicy, validatePolicy } from './policy.js';
import { parseRegQuery, readRegistryPolicy } from './registryPolicy.js';
import { tempDir } from '../../test/support/tempDir.js';

// What `reg query HKLM\Software\Policies\Atrium /s` prints on Windows.
const REG_OUTPUT = [
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atrium\\Enforced',
  '    aws.region    REG_SZ    eu-central-1',
  '    store.allowPhiWithoutKeyring    REG_DWORD    0x0',
  '    session.idleLockMinutes    REG_DWORD    0xa',
  '    aws.sagemaker.endpointName    REG_SZ    ',
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atrium\\Defaults',
  '    ui.theme    REG_SZ    dark',
  '    imaging.verification.labels    REG_SZ    nodule, pneumonia,embolism',
  '',
].join('\r\n');

describe('registry policy (Windows)', () => {
  it('reads Enforced and Defaults values with the types the settings need', () => {
    expect(parseRegQuery(REG_OUTPUT)).toEqual({
      enforced: { 'aws.region': 'eu-central-1', 'store.allowPhiWithoutKeyring': false, 'session.idleLockMinutes': 10, 'aws.sagemaker.endpointName': null },
      defaults: { 'ui.theme': 'dark', 'imaging.verification.labels': ['nodule', 'pneumonia', 'embolism'] },
    });
    expect(() => validatePolicy(parseRegQuery(REG_OUTPUT), 'registry')).not.toThrow();
  });

  it('wins over the policy file key by key', () => {
    const file = join(tempDir('atrium-reg-'), 'policy.json');
    writeFileSync(file, JSON.stringify({ enforced: { 'aws.region': 'us-west-2', 'updates.mode': 'off' } }));
    const policy = readMachinePolicy(file, readRegistryPolicy('win32', () => REG_OUTPUT));
    expect(policy.enforced).toMatchObject({ 'aws.region': 'eu-central-1', 'updates.mode': 'off', 'session.idleLockMinutes': 10 });
  });

  it('is absent off Windows or without the key, and invalid values are reported with their source', () => {
    expect(readRegistryPolicy('linux', () => REG_OUTPUT)).toBeNull();
    expect(readRegistryPolicy('win32', () => {
      throw new Error('ERROR: The system was unable to find the specified registry key or value.');
    })).toBeNull();
    const bad = readRegistryPolicy('win32', () => 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Atrium\\Enforced\r\n    updates.mode    REG_SZ    weekly\r\n');
    expect(() => readMachinePolicy('/nonexistent/policy.json', bad)).toThrow(PolicyError);
    expect(() => readMachinePolicy('/nonexistent/policy.json', bad)).toThrow(/HKLM\\Software\\Policies\\Atrium.*updates.mode/);
  });
});
