import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { findElectronBinary } from '../scripts/electron-binary.mjs';
import { tempDir } from './support/tempDir.js';

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

describe('the Electron main bundle', () => {
  it('runs the embedded model in its worker thread from the build output, without tsx', async () => {
    const { buildElectron } = await import('../scripts/build.mjs');
    await buildElectron();
    const script = `
      import { Worker } from 'node:worker_threads';
      const w = new Worker(new URL('./out/main/electron/scoringWorker.mjs', 'file://${SOURCE_ROOT}/'), { workerData: { artifactPath: ${JSON.stringify(join(SOURCE_ROOT, 'resources', 'model', 'atrium-model.json.gz'))} } });
      w.on('message', (m) => { console.log(JSON.stringify(m)); w.terminate(); });
      w.on('error', (e) => { console.log(JSON.stringify({ type: 'error', error: e.message })); });
    `;
    const file = join(tempDir('atrium-worker-'), 'probe.mjs');
    writeFileSync(file, script);
    const result = spawnSync(process.execPath, [file], { cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
    expect(JSON.parse(result.stdout.trim().split('\n')[0] ?? '{}')).toMatchObject({ type: 'ready' });
  }, 90_000);
});
