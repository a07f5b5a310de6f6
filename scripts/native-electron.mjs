#!/usr/bin/env node
// `npm run native:electron`: builds better-sqlite3-multiple-ciphers for Electron's ABI into
// native/electron/, apart from the Node build in node_modules that the tests load. Packaging only;
// it needs Electron's headers from the network, so it is never part of install or test.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const work = join(root, '.cache', 'native-electron');
rmSync(work, { recursive: true, force: true });
cpSync(join(root, 'node_modules', 'better-sqlite3-multiple-ciphers'), work, { recursive: true });
rmSync(join(work, 'build'), { recursive: true, force: true });
const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const result = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`], {
  cwd: work,
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.stderr.write(`Building the SQLite module for Electron ${electronVersion} failed (are Electron's headers reachable?).\n`);
  process.exit(result.status ?? 1);
}
mkdirSync(join(root, 'native', 'electron'), { recursive: true });
cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(root, 'native', 'electron', 'better_sqlite3.node'));
process.stderr.write(`native/electron/better_sqlite3.node built for Electron ${electronVersion}\n`);
