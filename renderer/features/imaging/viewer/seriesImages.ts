import { cache, Enums, metaData, imageLoader, utilities, type Types } from '@cornerstonejs/core';
import type { OpenedSeries } from '../../../../preload/contract';
import { DecodePool } from '../decode/decodePool';

/**
 * Cornerstone's view of an opened series: image ids `atrium:<seriesId>/<index>`, the DICOM modules
 * cornerstone asks for (from `OpenedSeries`, so no DICOM parsing in the renderer), and the loader that
 * fetches a frame from main's binary route, decodes it in the renderer's decode workers and hands
 * cornerstone Float32 Hounsfield units (slope and intercept applied; see cacheBudget.ts for why Float32).
 */
const SCHEME = 'atrium';
const registered = new Map<string, OpenedSeries>();
let pool: DecodePool | null = null;
/** Image ids whose next load leaves User Timing marks of its phases (the first slice a viewer shows). */
const traced = new Set<string>();

export function imageIdOf(series: OpenedSeries, index: number): string {
  return `${SCHEME}:${series.seriesId}/${index}`;
}

export function imageIdsOf(series: OpenedSeries): string[] {
  return Array.from({ length: series.frameCount }, (_, i) => imageIdOf(series, i));
}

function parse(imageId: string): { series: OpenedSeries; index: number } | null {
  const match = /^atrium:([^/]+)\/(\d+)$/.exec(imageId);
  const series = match ? registered.get(match[1] as string) : undefined;
  return series ? { series, index: Number(match?.[2]) } : null;
}

/** The shared decode pool; started (workers and codec) as soon as a series is registered. */
export function decodePool(): DecodePool {
  pool ??= new DecodePool();
  return pool;
}

export function registerSeries(series: OpenedSeries): void {
  registered.set(series.seriesId, series);
  decodePool().warm();
}

/** The next load of `imageId` marks `ct-viewer:first-<phase>` (response, body, decoded, image) for profiling. */
export function markPhasesOf(imageId: string): void {
  traced.add(imageId);
}

export function unregisterSeries(series: OpenedSeries): void {
  registered.delete(series.seriesId);
}

/** Frame of reference: the series' own UID, since `OpenedSeries` does not carry one and slices share it. */
function frameOfReference(series: OpenedSeries): string {
  return `${series.series.instanceUid}.for`;
}

/** Where a slice sits: its own position, or one extrapolated along the slice normal when it has none. */
function positionOf(series: OpenedSeries, index: number): Types.Point3 {
  const own = series.positions[index];
  if (own) return [own[0], own[1], own[2]];
  const [rx, ry, rz, cx, cy, cz] = series.orientation;
  const normal: Types.Point3 = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const first = series.positions.find((p) => p !== null) ?? [0, 0, 0];
  return [first[0] + normal[0] * series.spacing[2] * index, first[1] + normal[1] * series.spacing[2] * index, first[2] + normal[2] * series.spacing[2] * index];
}

function metadataFor(type: string, imageId: string): unknown {
  const found = parse(imageId);
  if (!found) return undefined;
  const { series, index } = found;
  const [columnSpacing, rowSpacing] = series.spacing;
  const preset = series.windowPresets[0];
  switch (type) {
    case Enums.MetadataModules.IMAGE_PLANE:
      return {
        frameOfReferenceUID: frameOfReference(series),
        rows: series.rows,
        columns: series.columns,
        imageOrientationPatient: series.orientation,
        rowCosines: series.orientation.slice(0, 3),
        columnCosines: series.orientation.slice(3, 6),
        imagePositionPatient: positionOf(series, index),
        pixelSpacing: [rowSpacing, columnSpacing],
        rowPixelSpacing: rowSpacing,
        columnPixelSpacing: columnSpacing,
        sliceThickness: series.sliceThickness ?? series.spacing[2],
        sliceLocation: positionOf(series, index)[2],
      };
    case Enums.MetadataModules.IMAGE_PIXEL:
      // What the loader hands over: one Float32 sample of HU per pixel.
      return { samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', rows: series.rows, columns: series.columns, bitsAllocated: 32, bitsStored: 32, highBit: 31, pixelRepresentation: 1 };
    case Enums.MetadataModules.GENERAL_SERIES:
      return { modality: series.modality, seriesInstanceUID: series.series.instanceUid, seriesNumber: series.series.number ?? undefined, seriesDescription: series.series.description };
    case Enums.MetadataModules.GENERAL_STUDY:
      return { studyInstanceUID: series.study.instanceUid, studyDescription: series.study.description };
    case Enums.MetadataModules.GENERAL_IMAGE:
      return { instanceNumber: index + 1 };
    case Enums.MetadataModules.MODALITY_LUT:
      // Already applied by the loader.
      return { rescaleSlope: 1, rescaleIntercept: 0, modality: series.modality };
    case Enums.MetadataModules.VOI_LUT:
      return preset ? { windowCenter: [preset.center], windowWidth: [preset.width] } : undefined;
    default:
      return undefined;
  }
}

type Mark = (phase: string) => void;

interface SliceValues {
  readonly hu: Float32Array;
  readonly min: number;
  readonly max: number;
  readonly decodeMs: number;
}

async function fetchAndDecode(series: OpenedSeries, index: number, signal: AbortSignal, mark: Mark): Promise<SliceValues> {
  const response = await fetch(`${series.frameUrlPrefix}${index}`, { signal });
  if (!response.ok) throw new Error(`slice ${index + 1}: HTTP ${response.status}`);
  mark('response');
  const crc = response.headers.get('X-Frame-Crc32');
  const bytes = await response.arrayBuffer();
  mark('body');
  const decoded = await decodePool().decode(
    {
      encoding: response.headers.get('X-Frame-Encoding') === 'htj2k' ? 'htj2k' : 'raw',
      bytes,
      rows: series.rows,
      columns: series.columns,
      bitsAllocated: series.bitsAllocated,
      signed: series.signed,
      ...(crc ? { crc32: Number.parseInt(crc, 16) } : {}),
      // Hounsfield units are computed in the worker, off this thread.
      rescale: { slope: series.rescaleSlope, intercept: series.rescaleIntercept },
    },
    signal,
  );
  mark('decoded');
  const { pixels, range } = decoded;
  if (!(pixels instanceof Float32Array) || !range) throw new Error(`slice ${index + 1}: the decoder did not rescale it`);
  if (pixels.length !== series.rows * series.columns) throw new Error(`slice ${index + 1}: ${pixels.length} pixels, expected ${series.rows * series.columns}`);
  return { hu: pixels, min: range.min, max: range.max, decodeMs: decoded.decodeMs };
}

function toImage(imageId: string, series: OpenedSeries, { hu, min, max, decodeMs }: SliceValues): Types.IImage {
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({ width: series.columns, height: series.rows, scalarData: hu, numberOfComponents: 1, id: imageId });
  const preset = series.windowPresets[0];
  return {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: 1,
    intercept: 0,
    windowCenter: preset?.center ?? (min + max) / 2,
    windowWidth: preset?.width ?? Math.max(1, max - min),
    voiLUTFunction: Enums.VOILUTFunctionType.LINEAR,
    getPixelData: () => voxelManager.getScalarData(),
    getCanvas: () => {
      throw new Error('CT slices have no canvas form');
    },
    rows: series.rows,
    columns: series.columns,
    height: series.rows,
    width: series.columns,
    color: false,
    rgba: false,
    numberOfComponents: 1,
    columnPixelSpacing: series.spacing[0],
    rowPixelSpacing: series.spacing[1],
    sliceThickness: series.sliceThickness ?? series.spacing[2],
    invert: false,
    photometricInterpretation: 'MONOCHROME2',
    sizeInBytes: hu.byteLength,
    dataType: 'Float32Array',
    voxelManager,
    decodeTimeInMS: decodeMs,
    FrameOfReferenceUID: frameOfReference(series),
  };
}

const loadFrame: Types.ImageLoaderFn = (imageId: string) => {
  const abort = new AbortController();
  const promise = (async () => {
    const found = parse(imageId);
    if (!found) throw new Error(`${imageId} is not part of an open series`);
    const mark: Mark = traced.delete(imageId) ? (phase) => performance.mark(`ct-viewer:first-${phase}`) : () => undefined;
    const image = toImage(imageId, found.series, await fetchAndDecode(found.series, found.index, abort.signal, mark));
    mark('image');
    return image;
  })();
  return { promise, cancelFn: () => abort.abort() };
};

/** The usual CT matrix: warming up at the size real slices come in readies their texture path too. */
const WARM_UP_SIZE = 512;

/**
 * A one-slice synthetic CT series whose only slice is already in cornerstone's cache (Float32 HU, like
 * every real slice, so it takes the same shaders and texture path): rendering it once readies the
 * viewer before a real series opens. Nothing is fetched; `release` forgets it.
 */
export function warmUpSeries(): { series: OpenedSeries; release: () => void } {
  const size = WARM_UP_SIZE;
  const series: OpenedSeries = {
    seriesId: 'warm-up',
    frameUrlPrefix: '',
    frameCount: 1,
    openingIndex: 0,
    rows: size,
    columns: size,
    bitsAllocated: 16,
    signed: true,
    rescaleSlope: 1,
    rescaleIntercept: 0,
    spacing: [1, 1, 1],
    orientation: [1, 0, 0, 0, 1, 0],
    positions: [[0, 0, 0]],
    sliceThickness: 1,
    windowPresets: [{ name: 'Soft tissue', center: 40, width: 400 }],
    warnings: [],
    modality: 'CT',
    patient: { name: null, id: null, sex: null, birthDate: null },
    study: { instanceUid: '2.25.0', date: null, description: '', accession: null },
    series: { instanceUid: '2.25.1', number: null, description: '' },
    source: { kind: 'local' },
  };
  const imageId = imageIdOf(series, 0);
  const hu = Float32Array.from({ length: size * size }, (_, i) => (i % size) * 10 - 100);
  registered.set(series.seriesId, series);
  cache.putImageLoadObject(imageId, { promise: Promise.resolve(toImage(imageId, series, { hu, min: -100, max: (size - 1) * 10 - 100, decodeMs: 0 })) }).catch(() => undefined);
  return {
    series,
    release: () => {
      cache.removeImageLoadObject(imageId, { force: true });
      registered.delete(series.seriesId);
    },
  };
}

let installed = false;

/** Registers the loader and the metadata provider with cornerstone, once. */
export function installSeriesImages(): void {
  if (installed) return;
  installed = true;
  imageLoader.registerImageLoader(SCHEME, loadFrame);
  // Above cornerstone's own providers: these image ids are ours alone.
  metaData.addProvider(metadataFor, 10_000);
}
