import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../app/paths.js';
import { runCli } from './index.js';
import { tempDir } from '../../test/support/tempDir.js';
import { captureIo } from '../../test/support/cliIo.js';


describe('atrium CLI', () => {
  it('runs from the bin script and prints its commands', () => {
    const out = execFileSync(process.execPath, [join(SOURCE_ROOT, 'bin', 'atrium.mjs'), '--help'], { encoding: 'utf8' });
    expect(out).toContain('atrium policy validate');
  });

  it('answers an unknown command with usage and exit code 2', async () => {
    const c = captureIo();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toContain('unknown command');
  });

  it('validates a policy without touching the data folder or a keyring', () => {
    const home = join(tempDir('atrium-cli-'), 'home');
    const good = join(tempDir('atrium-policy-'), 'good.json');
    const bad = join(tempDir('atrium-policy-'), 'bad.json');
    writeFileSync(good, JSON.stringify({ enforced: { 'updates.mode': 'off' } }));
    writeFileSync(bad, JSON.stringify({ enforced: { 'updates.mode': 'nightly' } }));
    const env = { ...process.env, ATRIUM_HOME: home };
    const ok = spawnSync(process.execPath, [join(SOURCE_ROOT, 'bin', 'atrium.mjs'), 'policy', 'validate', good], { env, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('enforces updates.mode');
    const no = spawnSync(process.execPath, [join(SOURCE_ROOT, 'bin', 'atrium.mjs'), 'policy', 'validate', bad], { env, encoding: 'utf8' });
    expect(no.status).toBe(1);
    expect(no.stderr).toContain('updates.mode');
    expect(existsSync(home)).toBe(false);
  });

  it('reports a missing argument as a usage error', async () => {
    const c = captureIo();
    expect(await runCli(['policy', 'validate'], c.io)).toBe(2);
    expect(c.err()).toContain('Usage: atrium policy validate');
  });
});

describe('atrium policy show', () => {
  it('shows enforced values and their source, and fails on an invalid policy', () => {
    const home = tempDir('atrium-cli-');
    const policy = join(home, 'policy.json');
    writeFileSync(policy, JSON.stringify({ enforced: { 'aws.region': 'ap-southeast-2' } }));
    const env = { ...process.env, ATRIUM_HOME: home, ATRIUM_POLICY_FILE: policy };
    const shown = spawnSync(process.execPath, [join(SOURCE_ROOT, 'bin', 'atrium.mjs'), 'policy', 'show'], { env, encoding: 'utf8' });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/aws\.region\s+"ap-southeast-2"\s+enforced by policy/);
    writeFileSync(policy, '{"enforced": {"aws.region": 42}}');
    const broken = spawnSync(process.execPath, [join(SOURCE_ROOT, 'bin', 'atrium.mjs'), 'policy', 'show', '--json'], { env, encoding: 'utf8' });
    expect(broken.status).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ policyError: expect.stringContaining('aws.region') as string });
  });
});
