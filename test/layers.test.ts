import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { tempDir } from './support/tempDir.js';

/**
 * The process layers, checked on every import (type-only imports included):
 * - only main/electron/ and preload/ import 'electron';
 * - renderer/ never imports from main/;
 * - main/ outside main/electron/ never touches the DOM (also enforced by tsconfig.node.json's lib,
 *   which has no DOM types).
 */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'cdk.out' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;
const STRINGS = /`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(COMMENTS, '');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const rel = (file: string) => relative(SOURCE_ROOT, file).split(sep).join('/');
const layers = ['main', 'renderer', 'preload', 'cloud', 'test', 'bench', 'scripts'].map((d) => join(SOURCE_ROOT, d));
const files = layers.flatMap((d) => {
  try {
    return sourceFiles(d);
  } catch {
    return [];
  }
});

describe('process layers', () => {
  it('finds the sources it checks', () => {
    expect(files.some((f) => rel(f).startsWith('renderer/'))).toBe(true);
    expect(files.some((f) => rel(f).startsWith('main/electron/'))).toBe(true);
  });

  it("imports 'electron' only from main/electron/ and preload/", () => {
    const offenders = files
      .filter((f) => !/^(main\/electron|preload|test\/electron)\//.test(rel(f)) && rel(f) !== 'test/layers.test.ts')
      .filter((f) => importsOf(f).some((spec) => spec === 'electron' || spec.startsWith('electron/')))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('keeps renderer/ away from main/', () => {
    const offenders = files
      .filter((f) => rel(f).startsWith('renderer/'))
      .flatMap((f) =>
        importsOf(f)
          .filter((spec) => spec.startsWith('.'))
          .filter((spec) => rel(resolve(dirname(f), spec)).startsWith('main/'))
          .map((spec) => `${rel(f)} -> ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps main/ (outside main/electron/) off the DOM', () => {
    const dom = /\b(document|window|localStorage|sessionStorage|navigator)\s*\.|\bnew\s+(DOMParser|XMLHttpRequest)\b/;
    const offenders = files
      .filter((f) => rel(f).startsWith('main/') && !rel(f).startsWith('main/electron/') && !rel(f).endsWith('.test.ts'))
      // Strings are left out: a page main serves (say, a sign-in redirect) may mention the DOM.
      .filter((f) => dom.test(readFileSync(f, 'utf8').replace(COMMENTS, '').replace(STRINGS, '""')))
      .map(rel);
    expect(offenders).toEqual([]);
  });

  it('sees type-only, dynamic and require imports, and ignores comments', () => {
    const dir = tempDir('atrium-layers-');
    const file = join(dir, 'sample.ts');
    writeFileSync(file, "// import 'electron'\nimport type { App } from 'electron';\nconst a = await import('../main/x.js');\nrequire('fs');\n");
    expect(importsOf(file)).toEqual(['electron', '../main/x.js', 'fs']);
  });

  it('keeps the contract free of Node and Electron', () => {
    const specs = importsOf(join(SOURCE_ROOT, 'preload', 'contract.ts'));
    expect(specs.filter((s) => s !== 'zod')).toEqual([]);
  });
});
