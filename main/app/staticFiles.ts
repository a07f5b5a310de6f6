import { readFile, realpath } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // Streaming compilation of WebAssembly requires exactly this type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeFor(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves a URL path inside the renderer bundle, refusing anything that escapes it
 * (`..`, encoded separators, absolute paths). Returns null for a path outside the root.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return null;
  const relative = normalize(decoded === '/' || decoded === '' ? '/index.html' : decoded).replace(/^[/\\]+/, '');
  const full = join(root, relative);
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  return full;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads a file of the renderer bundle, for the custom scheme and the host alike. Besides the
 * resolver's checks, the file's real location (after symbolic links) must be inside the bundle, so a
 * link planted in the install folder cannot serve a file from elsewhere on the machine. Unknown paths
 * without an extension fall back to index.html (client routes).
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  const full = resolveInside(root, urlPath);
  if (!full) return null;
  try {
    const [real, realRoot] = await Promise.all([realpath(full), realpath(root)]);
    if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) return null;
    return { body: await readFile(real), contentType: mimeTypeFor(real) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') && extname(full) === '') {
      return { body: await readFile(join(root, 'index.html')), contentType: MIME['.html'] as string };
    }
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw error;
  }
}
