import { join } from 'node:path';

/** Where the app keeps its store: `<userData>/store/atrium.db` (+ `.key`, `-wal`, `.writer`). */
export function storeFile(userDataDir: string): string {
  return join(userDataDir, 'store', 'atrium.db');
}
