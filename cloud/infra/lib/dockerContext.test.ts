import { describe, expect, it } from 'vitest';
import { contextAllowlist, dockerfileSources } from './dockerContext.js';

describe('docker build context allowlist', () => {
  it('reads the context paths a Dockerfile copies', () => {
    const dockerfile = [
      'FROM node:20-bookworm-slim AS build',
      '# COPY ignored/comment .',
      'COPY cloud/package.json cloud/package.json',
      'COPY --chown=node:node cloud/model cloud/model',
      'COPY --from=build /app/dist /app/dist',
      'ADD ["resources/codesets", "resources/codesets"]',
      'COPY cloud/serve \\',
      '  cloud/serve',
    ].join('\n');
    expect(dockerfileSources(dockerfile)).toEqual(['cloud/package.json', 'cloud/model', 'resources/codesets', 'cloud/serve']);
  });

  it('excludes everything but the copied paths, re-including parents level by level', () => {
    expect(contextAllowlist(['cloud/package.json', 'cloud/model/', './cloud/serve', 'resources/codesets', 'cloud/serve/Dockerfile'])).toEqual([
      '*',
      '!cloud',
      'cloud/*',
      '!resources',
      'resources/*',
      '!cloud/model',
      '!cloud/package.json',
      '!cloud/serve',
      '!resources/codesets',
      '**/node_modules',
      '**/*.test.ts',
    ]);
    expect(() => contextAllowlist(['cloud/*.ts'])).toThrow(/Wildcard/);
  });
});
