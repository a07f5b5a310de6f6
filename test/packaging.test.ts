import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../main/app/paths.js';

const builderYml = readFileSync(join(SOURCE_ROOT, 'electron-builder.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(join(SOURCE_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

describe('packaging configuration', () => {
  it('turns the dangerous Electron fuses off in electron-builder.yml', () => {
    const fuse = (name: string) => new RegExp(`^\\s+${name}:\\s*(true|false)\\s*$`, 'm').exec(builderYml)?.[1];
    expect(fuse('runAsNode')).toBe('false');
    expect(fuse('enableNodeOptionsEnvironmentVariable')).toBe('false');
    expect(fuse('enableNodeCliInspectArguments')).toBe('false');
    expect(fuse('onlyLoadAppFromAsar')).toBe('true');
    expect(fuse('enableEmbeddedAsarIntegrityValidation')).toBe('true');
  });

  it('pins every AWS SDK package to one exact version', () => {
    const aws = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(aws.length).toBeGreaterThan(0);
    expect(new Set(aws.map(([, version]) => version)).size).toBe(1);
    for (const [, version] of aws) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('never lets an install script download Electron or rebuild natives for it', () => {
    expect(pkg.allowScripts?.electron).toBe(false);
  });
});
