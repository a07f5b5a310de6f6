import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../main/app/paths.js';

/**
 * TypeScript strict over every layer, each with its own lib: Node code is checked without DOM types,
 * so main/ cannot touch the DOM and still pass.
 */
describe('typecheck', () => {
  it.each(['tsconfig.node.json', 'tsconfig.renderer.json', 'tsconfig.tools.json'])('%s has no errors', (config) => {
    const tsc = join(SOURCE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: SOURCE_ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);
});
