/**
 * How much decoded CT the viewer keeps, and which slices to keep when that is less than the series.
 *
 * Slices are held as Float32 HU: software WebGL (SwiftShader) has no 16-bit normalised textures, so
 * cornerstone uploads Float32 anyway, and keeping Float32 makes the cache's byte count the true cost
 * (a 512×512 slice is 1 MiB; a 1,000-slice series would be ~1 GiB). The budget is 512 MiB: enough for
 * a whole 500-slice series or the 512 nearest slices of a bigger one, which leaves the renderer room
 * for textures, tools and the rest of the app on a 4 GiB workstation. Beyond it, the slices farthest
 * from the one on screen go first.
 */
export const VIEWER_CACHE_BYTES = 512 * 1024 * 1024;

/** Bytes one slice costs in the cache (Float32 per pixel). */
export function sliceBytes(rows: number, columns: number): number {
  return rows * columns * Float32Array.BYTES_PER_ELEMENT;
}

/** How many slices fit in the budget (at least one). */
export function slicesInBudget(rows: number, columns: number, budgetBytes = VIEWER_CACHE_BYTES): number {
  return Math.max(1, Math.floor(budgetBytes / sliceBytes(rows, columns)));
}

/** Slice indexes from `focus` outward, nearest first (ties: the next slice before the previous). */
export function outwardOrder(focus: number, count: number): number[] {
  const order: number[] = [];
  for (let step = 0; order.length < count; step++) {
    if (focus + step < count) order.push(focus + step);
    if (step > 0 && focus - step >= 0) order.push(focus - step);
  }
  return order;
}

/**
 * The slices to keep around `focus` when only `capacity` fit: the `capacity` nearest ones. Everything
 * else loaded is evicted (returned farthest first).
 */
export function planWindow(focus: number, count: number, capacity: number, loaded: Iterable<number>): { wanted: number[]; evict: number[] } {
  const wanted = outwardOrder(focus, count).slice(0, capacity);
  const keep = new Set(wanted);
  const evict = [...loaded].filter((i) => !keep.has(i)).sort((a, b) => Math.abs(b - focus) - Math.abs(a - focus));
  return { wanted, evict };
}
