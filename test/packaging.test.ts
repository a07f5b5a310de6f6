import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const builderYml = readFileSync(join(SOURCE_ROOT, 'electron-builder.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(join(SOURCE_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

describe('electron-builder configuration', () => {
  it("loads and passes electron-builder's own schema validation", async () => {
    const config = await getConfig(SOURCE_ROOT, join(SOURCE_ROOT, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('org.atrium.station');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.mac).toMatchObject({ hardenedRuntime: true });
  });

  it('carries no secret and no absolute path', () => {
    const lines = builderYml.split('\n').filter((l) => !l.trim().startsWith('#'));
    const text = lines.join('\n');
    expect(text).not.toMatch(/password|(?<![a-z])secret|BEGIN [A-Z ]*PRIVATE KEY|certificateFile|cscLink|AKIA[0-9A-Z]{16}/i);
    expect(text).not.toMatch(/:\s*["']?(\/(home|Users|etc|opt|var|tmp)\/|[A-Za-z]:\\)/);
  });

  it('builds the Linux packages where Electron and packaging tools are present', (context) => {
    const electron = findElectronBinary();
    if ('missing' in electron) {
      process.stderr.write(`[packaging] npm run dist skipped: ${electron.missing}\n`);
      context.skip();
      return;
    }
    const result = spawnSync(process.execPath, [join(SOURCE_ROOT, 'scripts', 'dist.mjs'), '--linux', 'deb'], { cwd: SOURCE_ROOT, encoding: 'utf8', timeout: 600_000 });
    expect(result.status, result.stderr).toBe(0);
  }, 600_000);
});

describe('dependencies', () => {
  it('pins every AWS SDK package to one exact version', () => {
    const aws = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(aws.length).toBeGreaterThan(0);
    expect(new Set(aws.map(([, version]) => version)).size).toBe(1);
    for (const [, version] of aws) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('never lets an install script download Electron', () => {
    expect(pkg.allowScripts?.electron).toBe(false);
  });
});

describe('administrator guide', () => {
  it('documents every policy key', async () => {
    const { SETTING_KEYS } = await import('../preload/contract.js');
    const guide = readFileSync(join(SOURCE_ROOT, 'docs', 'ADMIN.md'), 'utf8');
    expect(SETTING_KEYS.filter((key) => !guide.includes(`\`${key}\``))).toEqual([]);
  });
});
