import { join } from 'node:path';
import { SOURCE_ROOT } from '../../main/app/paths.js';
import { createHandlerRegistry } from '../../main/handlers.js';
import { startHost, type RunningHost } from '../../main/host/hostServer.js';
import { createTestServices, type TestServiceOptions, type TestServices } from './testServices.js';

export interface HostFixture extends TestServices {
  host: RunningHost;
}

/** Real services behind a real host, serving the built renderer from out/renderer. */
export async function startTestHost(options: TestServiceOptions = {}): Promise<HostFixture> {
  const t = createTestServices(options);
  const host = await startHost({ services: t.services, registry: createHandlerRegistry(t.services), rendererDir: join(SOURCE_ROOT, 'out', 'renderer') });
  return {
    ...t,
    host,
    async cleanup() {
      await host.close();
      await t.cleanup();
    },
  };
}
