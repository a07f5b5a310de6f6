import type { OpenedSeries, SeriesSummary, StudyRef } from '../../../../preload/contract';
import { api } from '../../../api';
import { DecodePool, type DecodedPixels } from '../decode/decodePool';

/**
 * Series thumbnails: the middle slice, fetched over the frames route and decoded in the renderer's
 * decode workers like any frame the viewer shows, then windowed and scaled onto a small canvas.
 * Decoding here rather than in main keeps HTJ2K work off main's event loop (which serves every call
 * and frame), reuses the one decoder the viewer trusts, and leaves the encoded slice in main's frame
 * cache for when the series is opened.
 */
export const THUMBNAIL_SIZE = 96;

/** One worker: thumbnails are few and must not compete with the viewer's pool for cores. */
let pool: DecodePool | null = null;
const drawn = new Map<string, Promise<ImageData>>();

export function thumbnailKey(study: StudyRef, series: SeriesSummary): string {
  const where = study.kind === 'local' ? study.studyInstanceUid : `${study.datastoreId}/${study.imageSetId}`;
  return `${where}/${series.seriesInstanceUid}`;
}

/**
 * The thumbnail of a series, drawn once per session (and again after a failure). Not cancellable: the
 * drawing is shared by every list showing the series, and a finished one is kept.
 */
export function seriesThumbnail(study: StudyRef, series: SeriesSummary): Promise<ImageData> {
  const key = thumbnailKey(study, series);
  let pending = drawn.get(key);
  if (!pending) {
    pending = drawThumbnail(study, series);
    drawn.set(key, pending);
    pending.catch(() => drawn.delete(key));
  }
  return pending;
}

async function drawThumbnail(study: StudyRef, series: SeriesSummary): Promise<ImageData> {
  // Not closed afterwards: main gives the viewer the same series id for the same series, and an open
  // series costs main nothing until frames are asked for.
  const opened = await api.call('imaging.series.open', { study, seriesInstanceUid: series.seriesInstanceUid, purpose: 'thumbnail' });
  const opening = opened.openingIndex;
  const response = await fetch(`${opened.frameUrlPrefix}${opening}`);
  if (!response.ok) throw new Error(`The middle slice could not be loaded (HTTP ${response.status})`);
  const encoding = response.headers.get('X-Frame-Encoding') === 'htj2k' ? 'htj2k' : 'raw';
  const crc = response.headers.get('X-Frame-Crc32');
  pool ??= new DecodePool(1);
  const decoded = await pool.decode({
    encoding,
    bytes: await response.arrayBuffer(),
    rows: opened.rows,
    columns: opened.columns,
    bitsAllocated: opened.bitsAllocated,
    signed: opened.signed,
    ...(crc ? { crc32: Number.parseInt(crc, 16) } : {}),
  });
  return toImage(decoded.pixels, opened);
}

/** The window a thumbnail is drawn with: soft tissue for CT, else the header's first, else the pixel range. */
function thumbnailWindow(pixels: DecodedPixels, series: OpenedSeries): { low: number; high: number } {
  const preset = series.windowPresets.find((p) => p.name === 'Abdomen') ?? series.windowPresets[0];
  if (preset) return { low: preset.center - preset.width / 2, high: preset.center + preset.width / 2 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of pixels) {
    const hu = v * series.rescaleSlope + series.rescaleIntercept;
    if (hu < min) min = hu;
    if (hu > max) max = hu;
  }
  return { low: min, high: max > min ? max : min + 1 };
}

/** Nearest-neighbour scale into a square, letterboxed, windowed to grey. */
function toImage(pixels: DecodedPixels, series: OpenedSeries): ImageData {
  const size = THUMBNAIL_SIZE;
  const image = new ImageData(size, size);
  const { low, high } = thumbnailWindow(pixels, series);
  const scale = Math.max(series.columns, series.rows) / size;
  const offsetX = (size - series.columns / scale) / 2;
  const offsetY = (size - series.rows / scale) / 2;
  for (let y = 0; y < size; y++) {
    const sy = Math.floor((y - offsetY) * scale);
    for (let x = 0; x < size; x++) {
      const sx = Math.floor((x - offsetX) * scale);
      const o = (y * size + x) * 4;
      image.data[o + 3] = 255;
      if (sx < 0 || sy < 0 || sx >= series.columns || sy >= series.rows) continue;
      const hu = (pixels[sy * series.columns + sx] as number) * series.rescaleSlope + series.rescaleIntercept;
      const grey = Math.round(Math.min(1, Math.max(0, (hu - low) / (high - low))) * 255);
      image.data[o] = grey;
      image.data[o + 1] = grey;
      image.data[o + 2] = grey;
    }
  }
  return image;
}
