import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_ROOT } from '../../main/app/paths.js';

/** Where tests keep what a person looks at afterwards (screenshots): `.cache/test-artifacts/<suite>`, gitignored, kept between runs. */
export const ARTIFACTS_ROOT = join(SOURCE_ROOT, '.cache', 'test-artifacts');

export function artifactDir(suite: string): string {
  const dir = join(ARTIFACTS_ROOT, suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}
