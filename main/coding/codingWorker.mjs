// The coding worker: its compiled implementation beside it in the app bundle, else the TypeScript
// source through tsx (running from the repository, tests).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('./codingWorkerImpl.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) (await import('tsx/esm/api')).register();
await import(existsSync(fileURLToPath(built)) ? built.href : new URL('./codingWorkerImpl.ts', import.meta.url).href);
