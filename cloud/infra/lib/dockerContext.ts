/**
 * The container images build from the repository root (the Dockerfiles COPY cloud/model, cloud/serve,
 * resources/codesets, …). Staging the whole root as a CDK asset would copy node_modules and the rest of
 * the desktop; instead the asset carries exactly what the Dockerfile copies: a .dockerignore-style list
 * that excludes everything, then re-includes the COPY/ADD sources and the Dockerfile itself.
 */

/** Source paths of the COPY/ADD instructions that read from the build context (not `--from` stages). */
export function dockerfileSources(dockerfile: string): string[] {
  const sources: string[] = [];
  // Join continuation lines, drop comments.
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const match = /^(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!match) continue;
    let rest = match[2]!.trim();
    let args: string[];
    if (rest.startsWith('[')) {
      args = JSON.parse(rest) as string[];
    } else {
      const flags: string[] = [];
      while (rest.startsWith('--')) {
        const [flag = '', ...tail] = rest.split(/\s+/);
        flags.push(flag);
        rest = tail.join(' ');
      }
      if (flags.some((f) => f.startsWith('--from'))) continue;
      args = rest.split(/\s+/);
    }
    sources.push(...args.slice(0, -1));
  }
  return sources;
}

const normalize = (path: string): string => path.replace(/^\.\//, '').replace(/\/+$/, '');

/** Docker-ignore patterns (IgnoreMode.DOCKER) that keep only `includes` (files or folders) of the context. */
export function contextAllowlist(includes: string[]): string[] {
  const paths = [...new Set(includes.map(normalize).filter((p) => p && p !== '.'))];
  if (paths.some((p) => /[*?[]/.test(p))) throw new Error(`Wildcard COPY sources are not supported: ${paths.join(', ')}`);
  // A path inside another included path is already included.
  const kept = paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(`${q}/`))).sort();
  const ancestors = new Set<string>();
  for (const path of kept) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  const byDepth = [...ancestors].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  return ['*', ...byDepth.flatMap((dir) => [`!${dir}`, `${dir}/*`]), ...kept.map((p) => `!${p}`), '**/node_modules', '**/*.test.ts'];
}
