import type { OpenedSeries } from '../../../../preload/contract';
import { sliceBytes, VIEWER_CACHE_BYTES } from './cacheBudget';

const MIB = 1024 * 1024;

/**
 * Why the reformats cannot be built (null when they can). The volume's voxels are the stack's cached
 * Float32 slices (cornerstone builds an image volume over the cached images, not a second copy), so a
 * series fits when all of its slices fit the viewer's budget; the GPU holds one more copy as the 3D texture.
 */
export function volumeRefusal(series: Pick<OpenedSeries, 'frameCount' | 'rows' | 'columns'>, budgetBytes = VIEWER_CACHE_BYTES): string | null {
  const bytes = series.frameCount * sliceBytes(series.rows, series.columns);
  if (bytes <= budgetBytes) return null;
  return `Reformats need the whole series in memory: ${series.frameCount} slices of ${series.columns}×${series.rows} are ${Math.ceil(bytes / MIB)} MiB as Float32, more than the viewer's ${Math.floor(budgetBytes / MIB)} MiB budget. Read this series in the stack view.`;
}
