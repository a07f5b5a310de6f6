import { join } from 'node:path';
import { scanDicomFolder } from '../imaging/dicomFolder.js';
import { LocalImageLibrary } from '../imaging/localLibrary.js';
import type { Services } from '../services.js';

/** The CT study shipped with the app (resources/demo-ct), so a fresh station has something to read. */
export function demoCtFolder(resourcesDir: string): string {
  return join(resourcesDir, 'demo-ct');
}

/**
 * On the embedded demo, adds the bundled CT to an empty image library, as `atrium imaging import`
 * would. Once the library holds anything (the demo or the user's own folders) it is left alone, so a
 * later start, or an app installed at another path, never adds it again. Returns whether it added it.
 */
export async function ensureDemoImaging(services: Services): Promise<boolean> {
  if (services.settings.get('warehouse.kind') !== 'local') return false;
  const library = new LocalImageLibrary(services.env.userDataDir);
  if ((await library.list()).length > 0) return false;
  const folder = demoCtFolder(services.env.resourcesDir);
  await library.add(folder, await scanDicomFolder(folder));
  services.log.info('demo.imaging_seeded', { folder });
  return true;
}
