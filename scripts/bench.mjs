#!/usr/bin/env node
// `npm run bench -- <name>`: runs bench/<name>.ts through tsx. Each benchmark prints exactly one
// compact JSON line, last on stdout; every log line goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args]\navailable: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}
const file = join(root, 'bench', `${name}.bench.ts`);
if (!existsSync(file)) process.exit(2);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
process.exit(result.status ?? 1);
