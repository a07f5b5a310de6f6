import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

/**
 * A page of one module script, built with Vite into `outDir` (index.html plus assets) the way the
 * renderer is built: module workers as their own files, WebAssembly as a file. `script` may import
 * project modules by absolute path. For benches and browser tests of renderer modules in isolation.
 */
export async function buildScriptPage(script: string, outDir: string): Promise<void> {
  const root = `${outDir}.src`;
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><meta charset="utf-8"><title>script page</title><script type="module" src="./main.js"></script>');
  writeFileSync(join(root, 'main.js'), script);
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, minify: false },
    worker: { format: 'es' },
  });
}
