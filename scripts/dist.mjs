#!/usr/bin/env node
// `npm run dist [-- --linux|--win|--mac]`: the installers. Needs Electron's binary and the
// Electron-ABI SQLite module (npm run native:electron); says which is missing instead of failing late.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron, buildRenderer } from './build.mjs';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary();
if ('missing' in electron) {
  process.stderr.write(`Cannot package: ${electron.missing}.\n`);
  process.exit(2);
}
if (!existsSync(join(root, 'native', 'electron', 'better_sqlite3.node'))) {
  process.stderr.write('Cannot package: run `npm run native:electron` first (the SQLite module for Electron).\n');
  process.exit(2);
}
await buildRenderer();
await buildElectron();
const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
const result = spawnSync(process.execPath, [builder, '--config', 'electron-builder.yml', '--publish', 'never', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
