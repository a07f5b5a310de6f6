#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx, so `npx atrium` works on a clean clone after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
