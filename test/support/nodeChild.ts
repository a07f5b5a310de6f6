import { build } from 'esbuild';

/**
 * Bundles a TypeScript entry point into one ES module that plain `node` runs, for tests that start a
 * child process and kill it: one file, so each short-lived process starts in a fraction of a second.
 * Write it inside the project (the gitignored .cache/), so the native SQLite module and anything in
 * `alsoExternal` still resolve from node_modules.
 */
export async function bundleNodeChild(entry: string, outfile: string, alsoExternal: readonly string[] = []): Promise<void> {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['better-sqlite3-multiple-ciphers', ...alsoExternal], logLevel: 'warning' });
}
