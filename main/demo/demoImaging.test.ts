import { describe, expect, it } from 'vitest';
import { createTestServices } from '../../test/support/testServices.js';
import { LocalImageLibrary } from '../imaging/localLibrary.js';
import { demoCtFolder, ensureDemoImaging } from './demoImaging.js';

describe('the demo CT on first run', () => {
  it('adds the bundled CT to an empty library once', async () => {
    const t = createTestServices();
    try {
      expect(await ensureDemoImaging(t.services)).toBe(true);
      const folders = await new LocalImageLibrary(t.dir).list();
      expect(folders.map((f) => f.root)).toEqual([demoCtFolder(t.services.env.resourcesDir)]);
      expect(folders[0]?.studies[0]?.series[0]?.slices).toBeGreaterThan(1);
      expect(await ensureDemoImaging(t.services)).toBe(false);
      expect(await new LocalImageLibrary(t.dir).list()).toHaveLength(1);
    } finally {
      await t.cleanup();
    }
  });

  it('leaves a station configured for Snowflake alone', async () => {
    const t = createTestServices();
    try {
      t.services.settings.set('warehouse.kind', 'snowflake');
      expect(await ensureDemoImaging(t.services)).toBe(false);
      expect(await new LocalImageLibrary(t.dir).list()).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });
});
