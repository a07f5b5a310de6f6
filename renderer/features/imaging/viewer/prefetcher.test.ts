import { describe, expect, it } from 'vitest';
import { Prefetcher } from './prefetcher';

function harness(count: number, capacity: number, concurrency: number, focus: number, failing: number[] = []) {
  const cache = new Set<number>();
  const order: number[] = [];
  const evicted: number[] = [];
  const failed: number[] = [];
  let resolveAll: Array<() => void> = [];
  const prefetcher = new Prefetcher(
    count,
    capacity,
    concurrency,
    {
      load: (index) =>
        new Promise<void>((resolve, reject) => {
          order.push(index);
          resolveAll.push(() => {
            if (failing.includes(index)) reject(new Error(`slice ${index}`));
            else {
              cache.add(index);
              resolve();
            }
          });
        }),
      isCached: (index) => cache.has(index),
      evict: (index) => {
        cache.delete(index);
        evicted.push(index);
      },
      onLoaded: () => undefined,
      onFailed: (index) => failed.push(index),
    },
    focus,
  );
  const settle = async () => {
    for (let round = 0; round < count + 2; round++) {
      const batch = resolveAll;
      resolveAll = [];
      batch.forEach((r) => r());
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { prefetcher, order, evicted, failed, cache, settle, inFlight: () => resolveAll.length };
}

describe('the prefetcher', () => {
  it('loads nearest first, never more than `concurrency` at once, and the whole series when it fits', async () => {
    const h = harness(7, 100, 2, 3);
    h.prefetcher.start();
    expect(h.inFlight()).toBe(2);
    await h.settle();
    expect(h.order).toEqual([3, 4, 2, 5, 1, 6, 0]);
    expect(h.prefetcher.loadedCount).toBe(7);
  });

  it('keeps only the nearest `capacity` slices, evicting the farthest when the focus moves', async () => {
    const h = harness(10, 3, 3, 0);
    h.prefetcher.start();
    await h.settle();
    expect([...h.cache].sort()).toEqual([0, 1, 2]);
    h.prefetcher.focus(9);
    await h.settle();
    expect(h.evicted).toEqual([0, 1, 2]);
    expect([...h.cache].sort()).toEqual([7, 8, 9]);
  });

  it('reports a failed slice once and loads the rest', async () => {
    const h = harness(5, 10, 1, 2, [3]);
    h.prefetcher.start();
    await h.settle();
    expect(h.failed).toEqual([3]);
    expect(h.prefetcher.loadedCount).toBe(4);
    expect(h.order.filter((i) => i === 3)).toHaveLength(1);
  });

  it('settles once every slice in the window is loaded or failed, not before', async () => {
    const h = harness(6, 4, 2, 1, [0]);
    let settled = false;
    void h.prefetcher.whenSettled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 0));
    expect(settled).toBe(false);
    await h.settle();
    expect(settled).toBe(true);
    expect(h.prefetcher.loadedCount + h.failed.length).toBe(4);
  });
});
