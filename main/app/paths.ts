import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')` gives for the product
 * name "Atrium", so the CLI and the app see the same store. ATRIUM_HOME overrides it.
 */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.ATRIUM_HOME) return resolve(env.ATRIUM_HOME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Atrium');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Atrium');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Atrium');
}

/** The repository root when running from source (CLI, host, tests). */
export const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Files shipped with the app; a packaged Electron app passes `process.resourcesPath` instead. */
export function sourceResourcesDir(): string {
  return join(SOURCE_ROOT, 'resources');
}
