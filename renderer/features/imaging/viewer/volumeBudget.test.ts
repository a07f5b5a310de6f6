import { describe, expect, it } from 'vitest';
import { VIEWER_CACHE_BYTES } from './cacheBudget';
import { volumeRefusal } from './volumeBudget';

describe('the reformats’ volume budget', () => {
  it('builds a 512-slice 512×512 series (exactly the 512 MiB budget) and refuses 513 slices with the sizes in the message', () => {
    expect(VIEWER_CACHE_BYTES).toBe(512 * 1024 * 1024);
    expect(volumeRefusal({ frameCount: 512, rows: 512, columns: 512 })).toBeNull();
    expect(volumeRefusal({ frameCount: 513, rows: 512, columns: 512 })).toBe(
      "Reformats need the whole series in memory: 513 slices of 512×512 are 513 MiB as Float32, more than the viewer's 512 MiB budget. Read this series in the stack view.",
    );
  });

  it('counts Float32 bytes, so a 1,000-slice 256×256 series fits and a 1,000-slice 512×512 one does not', () => {
    expect(volumeRefusal({ frameCount: 1000, rows: 256, columns: 256 })).toBeNull();
    expect(volumeRefusal({ frameCount: 1000, rows: 512, columns: 512 })).toMatch(/1000 MiB as Float32/);
  });
});
