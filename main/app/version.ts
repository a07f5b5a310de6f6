import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_ROOT } from './paths.js';

let cached: string | undefined;

export function readPackageVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(SOURCE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
