#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is present, otherwise the same station in a
// browser through the host on 127.0.0.1.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron, buildRenderer } from './build.mjs';
import { findElectronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary();

await buildRenderer();
let child;
if ('path' in electron) {
  await buildElectron();
  child = spawn(electron.path, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
} else {
  process.stdout.write(`Electron is not available here (${electron.missing}); serving Atrium to your browser instead.\n`);
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'main/cli/index.ts'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
