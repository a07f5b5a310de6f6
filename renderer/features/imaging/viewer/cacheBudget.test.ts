import { describe, expect, it } from 'vitest';
import { outwardOrder, planWindow, sliceBytes, slicesInBudget, VIEWER_CACHE_BYTES } from './cacheBudget';

describe('the viewer cache budget', () => {
  it('counts Float32 bytes: a 1,000-slice 512×512 series does not fit, 512 of its slices do', () => {
    expect(sliceBytes(512, 512)).toBe(1024 * 1024);
    expect(1000 * sliceBytes(512, 512)).toBeGreaterThan(VIEWER_CACHE_BYTES);
    expect(slicesInBudget(512, 512)).toBe(512);
    expect(slicesInBudget(4096, 4096, 1024)).toBe(1);
  });

  it('orders slices outward from the focus, nearest first, within the series', () => {
    expect(outwardOrder(2, 6)).toEqual([2, 3, 1, 4, 0, 5]);
    expect(outwardOrder(0, 3)).toEqual([0, 1, 2]);
    expect(outwardOrder(4, 5)).toEqual([4, 3, 2, 1, 0]);
  });

  it('keeps the nearest slices and evicts the farthest first when the focus moves', () => {
    const { wanted, evict } = planWindow(8, 10, 3, [0, 1, 2, 7, 8]);
    expect(wanted).toEqual([8, 9, 7]);
    expect(evict).toEqual([0, 1, 2]);
    expect(planWindow(1, 4, 10, [0, 1, 2, 3]).evict).toEqual([]);
  });
});
