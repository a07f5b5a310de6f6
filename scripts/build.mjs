#!/usr/bin/env node
// Builds the renderer (Vite, code-split), the Electron main bundle and the single-file preload (esbuild).
import { build as esbuild } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { build as viteBuild } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];

export async function buildRenderer() {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

export async function buildElectron() {
  await esbuild({
    entryPoints: [join(root, 'main/electron/index.ts')],
    outfile: join(root, 'out/main/electron/index.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // Dependencies load from node_modules inside the asar; native modules cannot be bundled anyway.
    packages: 'external',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  });
  // Worker threads (the embedded model's, the store's reader): each bootstrap beside the main bundle
  // (where `new URL('./<name>.mjs', import.meta.url)` points), and its implementation compiled, so the
  // app never needs tsx.
  for (const [dir, name] of [['cloud/serve', 'scoringWorker'], ['main/store', 'storeReadWorker'], ['main/coding', 'codingWorker']]) {
    await esbuild({
      entryPoints: [join(root, `${dir}/${name}Impl.ts`)],
      outfile: join(root, `out/main/electron/${name}Impl.js`),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      packages: 'external',
      logLevel: 'warning',
    });
    copyFileSync(join(root, `${dir}/${name}.mjs`), join(root, `out/main/electron/${name}.mjs`));
  }
  // A sandboxed preload cannot require siblings: everything but electron goes into one file, and
  // the contract's names are inlined so zod stays out of it.
  const contract = await tsImport('../preload/contract.ts', import.meta.url);
  await esbuild({
    define: {
      __ATRIUM_METHODS__: JSON.stringify(contract.METHOD_NAMES),
      __ATRIUM_EVENTS__: JSON.stringify(contract.EVENT_NAMES),
    },
    entryPoints: [join(root, 'preload/index.ts')],
    outfile: join(root, 'out/preload/index.cjs'),
    bundle: true,
    platform: 'browser',
    target: 'chrome130',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!only || only === 'renderer') await buildRenderer();
  if (!only || only === 'electron') await buildElectron();
  process.stderr.write(`built ${only ?? 'renderer, main and preload'} into out/\n`);
}
