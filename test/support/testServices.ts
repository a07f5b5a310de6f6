import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceResourcesDir } from '../../main/app/paths.js';
import { createMemoryLogger } from '../../main/log/logger.js';
import { FileKeySealer } from '../../main/security/secretSealer.js';
import { Services } from '../../main/services.js';
import { tempDir } from './tempDir.js';

export interface TestServices {
  services: Services;
  dir: string;
  log: ReturnType<typeof createMemoryLogger>;
  cleanup(): Promise<void>;
}

export interface TestServiceOptions {
  policyFile?: string;
  mode?: 'host' | 'cli';
  /** Reuse a data folder (to reopen what an earlier instance wrote); a fresh one otherwise. */
  dir?: string;
}

/**
 * Real services over a throwaway data folder, with an optional policy file. Without one, a policy
 * default lets the key-file sealed test store hold the tests' real-shaped patients (what a hospital
 * without an OS keyring sets). The refusal itself is tested on a store without the leave
 * (main/sync/offlineStoreSync.test.ts, main/store/store.test.ts).
 */
export function createTestServices(options: TestServiceOptions = {}): TestServices {
  const dir = options.dir ?? tempDir('atrium-test-');
  let policyFile = options.policyFile;
  if (!policyFile) {
    policyFile = join(dir, 'test-policy.json');
    writeFileSync(policyFile, JSON.stringify({ defaults: { 'store.allowPhiWithoutKeyring': true } }));
  }
  const log = createMemoryLogger();
  const services = new Services({
    mode: options.mode ?? 'host',
    appVersion: '0.0.0-test',
    userDataDir: dir,
    resourcesDir: sourceResourcesDir(),
    log,
    createSealer: () => new FileKeySealer(dir),
    policyFile,
  });
  return {
    services,
    dir,
    log,
    async cleanup() {
      await services.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
