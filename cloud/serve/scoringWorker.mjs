// Scoring worker bootstrap: the compiled implementation when present (containers), else the TypeScript
// source through tsx (running from the repository, tests).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('./scoringWorkerImpl.js', import.meta.url);
if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('./scoringWorkerImpl.ts', import.meta.url).href);
}
