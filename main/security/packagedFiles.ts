import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';
import { readStaticFile, resolveInside, type StaticFile } from '../app/staticFiles.js';

/**
 * Reads a file of the packaged renderer bundle for the custom scheme: the shared resolver refuses
 * `..`, encoded separators, backslashes and NULs, and this also refuses a path whose real location
 * (after symbolic links) is outside the bundle, so a link planted in the install folder cannot
 * serve a file from elsewhere on the machine.
 */
export async function readPackagedFile(root: string, urlPath: string): Promise<StaticFile | null> {
  const full = resolveInside(root, urlPath);
  if (!full) return null;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return null;
  }
  try {
    const real = await realpath(full);
    if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return null;
  } catch (error) {
    // A path that does not exist falls through to the reader (client routes get index.html).
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') return null;
  }
  return readStaticFile(root, urlPath);
}
