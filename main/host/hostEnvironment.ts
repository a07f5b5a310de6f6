import { join } from 'node:path';
import { defaultUserDataDir, sourceResourcesDir } from '../app/paths.js';
import { createFileLogger } from '../log/logger.js';
import { FileKeySealer } from '../security/secretSealer.js';
import type { AppEnvironment } from '../services.js';
import { readPackageVersion } from '../app/version.js';

/**
 * The environment for running without Electron (the browser host and the CLI). There is no OS
 * keyring here, so secrets are sealed with a key file and `protectsAtRest` says so.
 */
export function nodeEnvironment(mode: 'host' | 'cli', userDataDir = defaultUserDataDir()): AppEnvironment {
  return {
    mode,
    appVersion: readPackageVersion(),
    userDataDir,
    resourcesDir: sourceResourcesDir(),
    log: createFileLogger({ file: join(userDataDir, 'logs', `${mode}.log`) }),
    createSealer: () => new FileKeySealer(userDataDir),
  };
}
