/**
 * One series model for every image source: geometry, pixel format, rescale and window presets, and
 * the frames in display order (sorted along the slice normal, never by file name or InstanceNumber).
 */
export type Vec3 = readonly [number, number, number];

export interface WindowPreset {
  readonly center: number;
  readonly width: number;
  readonly name?: string;
}

export interface PixelFormat {
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: 0 | 1;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
}

/** A frame as the source describes it, before ordering. `locator` is the source's own address. */
export interface FrameInput {
  readonly sopInstanceUid: string;
  /** 1-based frame number inside its instance. */
  readonly frameNumber: number;
  readonly numberOfFrames: number;
  readonly instanceNumber: number | null;
  readonly position: Vec3 | null;
  readonly orientation: readonly number[] | null;
  /** [row spacing, column spacing], as DICOM's PixelSpacing. */
  readonly pixelSpacing: readonly [number, number] | null;
  readonly sliceThickness: number | null;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly gantryTilt: number | null;
  readonly format: PixelFormat;
  readonly locator: string;
  readonly transferSyntaxUid: string;
  readonly crc32?: number;
}

export interface SeriesFrame {
  /** Position in display order. */
  readonly index: number;
  readonly sopInstanceUid: string;
  readonly frameNumber: number;
  readonly numberOfFrames: number;
  readonly instanceNumber: number | null;
  readonly position: Vec3 | null;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly locator: string;
  readonly transferSyntaxUid: string;
  readonly crc32?: number;
}

export interface SeriesGeometry {
  /** Position of the first frame in display order. */
  readonly origin: Vec3 | null;
  /** Row direction cosines then column direction cosines (DICOM's ImageOrientationPatient). */
  readonly orientation: readonly [number, number, number, number, number, number] | null;
  readonly normal: Vec3 | null;
  /** [column spacing (x), row spacing (y), distance between slice positions (z)] in mm. */
  readonly spacing: Vec3;
  readonly sliceThickness: number | null;
  /** Gantry tilt in degrees: from the header, or measured from the positions. */
  readonly tiltDegrees: number;
  readonly evenlySpaced: boolean;
}

export interface SeriesMeta {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality: string;
  readonly description: string;
  readonly seriesNumber: number | null;
  readonly windowPresets: readonly WindowPreset[];
}

export interface ImageSeries extends SeriesMeta {
  readonly format: PixelFormat;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly geometry: SeriesGeometry;
  readonly frames: readonly SeriesFrame[];
  /** Human-readable findings about the geometry or the files: gaps, uneven spacing, tilt, mixtures. */
  readonly warnings: readonly string[];
}

export interface ImageStudy {
  readonly studyInstanceUid: string;
  readonly studyDate: string | null;
  readonly description: string;
  readonly series: readonly ImageSeries[];
}

const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
const round = (v: number, digits = 6): number => Number(v.toFixed(digits));
const fmt = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Slices closer than this along the normal count as the same position. */
const SAME_POSITION_MM = 1e-3;
/** Spacing may vary by this fraction (and at least 0.01 mm) before it counts as uneven. */
const SPACING_TOLERANCE = 0.01;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function sameNumbers(a: readonly number[] | null, b: readonly number[] | null, tolerance = 1e-4): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] as number)) <= tolerance);
}

function formatKey(f: PixelFormat): string {
  return `${f.rows}x${f.columns}x${f.samplesPerPixel} ${f.bitsAllocated}/${f.bitsStored} ${f.pixelRepresentation ? 'signed' : 'unsigned'} ${f.photometricInterpretation}`;
}

/** Orders a series' frames along the slice normal and measures its geometry. */
export function buildSeries(meta: SeriesMeta, inputs: readonly FrameInput[]): ImageSeries {
  if (inputs.length === 0) throw new Error('A series needs at least one frame');
  const warnings: string[] = [];
  const first = inputs[0] as FrameInput;
  const format = first.format;
  if (inputs.some((f) => formatKey(f.format) !== formatKey(format))) {
    warnings.push(`mixed-format: frames differ in size or pixel format (using ${formatKey(format)} from the first)`);
  }
  const orientationInput = inputs.find((f) => f.orientation?.length === 6)?.orientation ?? null;
  const orientation =
    orientationInput && orientationInput.length === 6
      ? (orientationInput.map((v) => v) as unknown as [number, number, number, number, number, number])
      : null;
  if (orientation && inputs.some((f) => f.orientation && !sameNumbers(f.orientation, orientation, 1e-3))) {
    warnings.push('mixed-orientation: frames have different ImageOrientationPatient');
  }
  let normal: Vec3 | null = null;
  if (orientation) {
    const n = cross([orientation[0], orientation[1], orientation[2]], [orientation[3], orientation[4], orientation[5]]);
    const length = norm(n);
    if (length > 1e-6) normal = [n[0] / length, n[1] / length, n[2] / length];
  }

  const withDistance = inputs.map((f) => ({ f, d: normal && f.position ? dot(f.position, normal) : null }));
  const positioned = withDistance.every((x) => x.d !== null);
  if (!positioned && inputs.length > 1) warnings.push('no-geometry: some frames lack position or orientation; ordered by InstanceNumber');
  withDistance.sort((a, b) => {
    if (positioned && a.d !== null && b.d !== null && Math.abs(a.d - b.d) > SAME_POSITION_MM) return a.d - b.d;
    const ia = a.f.instanceNumber ?? Number.MAX_SAFE_INTEGER;
    const ib = b.f.instanceNumber ?? Number.MAX_SAFE_INTEGER;
    if (ia !== ib) return ia - ib;
    if (a.f.sopInstanceUid !== b.f.sopInstanceUid) return a.f.sopInstanceUid < b.f.sopInstanceUid ? -1 : 1;
    return a.f.frameNumber - b.f.frameNumber;
  });

  const frames: SeriesFrame[] = withDistance.map(({ f }, index) => ({
    index,
    sopInstanceUid: f.sopInstanceUid,
    frameNumber: f.frameNumber,
    numberOfFrames: f.numberOfFrames,
    instanceNumber: f.instanceNumber,
    position: f.position,
    rescaleSlope: f.rescaleSlope,
    rescaleIntercept: f.rescaleIntercept,
    locator: f.locator,
    transferSyntaxUid: f.transferSyntaxUid,
    ...(f.crc32 !== undefined ? { crc32: f.crc32 } : {}),
  }));

  // Spacing between consecutive slice positions along the normal.
  let sliceDistance = 0;
  let evenlySpaced = true;
  let tiltDegrees = 0;
  if (positioned && frames.length > 1) {
    const distances = withDistance.map((x) => x.d as number);
    const steps = distances.slice(1).map((d, i) => d - (distances[i] as number));
    const duplicates = steps.filter((s) => s <= SAME_POSITION_MM).length;
    if (duplicates > 0) warnings.push(`duplicate-position: ${duplicates} frame(s) share a position with another frame`);
    const real = steps.filter((s) => s > SAME_POSITION_MM);
    if (real.length > 0) {
      sliceDistance = median(real);
      const tolerance = Math.max(0.01, sliceDistance * SPACING_TOLERANCE);
      const gaps: string[] = [];
      real.forEach((s, i) => {
        if (s > sliceDistance * 1.5) gaps.push(`${fmt(s)} mm after slice ${i + 1}`);
      });
      if (gaps.length > 0) {
        evenlySpaced = false;
        warnings.push(`gap: ${gaps.length} gap(s) larger than the usual ${fmt(sliceDistance)} mm spacing (${gaps.slice(0, 5).join(', ')}${gaps.length > 5 ? ', …' : ''})`);
      }
      const min = Math.min(...real);
      const max = Math.max(...real);
      if (gaps.length === 0 && max - min > tolerance) {
        evenlySpaced = false;
        warnings.push(`uneven-spacing: slice distance varies from ${fmt(min)} to ${fmt(max)} mm`);
      }
    }
    // Gantry tilt: the line through the slice origins leaves the normal.
    const firstPos = frames[0]?.position as Vec3;
    const lastPos = frames[frames.length - 1]?.position as Vec3;
    const along = sub(lastPos, firstPos);
    const length = norm(along);
    if (normal && length > SAME_POSITION_MM) {
      const cos = Math.min(1, Math.abs(dot(along, normal)) / length);
      tiltDegrees = (Math.acos(cos) * 180) / Math.PI;
    }
  }
  const headerTilt = inputs.find((f) => f.gantryTilt !== null && f.gantryTilt !== 0)?.gantryTilt ?? null;
  if (tiltDegrees > 0.5 || headerTilt !== null) {
    const measured = tiltDegrees > 0.5 ? `${fmt(tiltDegrees)}° measured from the slice positions` : '';
    const header = headerTilt !== null ? `GantryDetectorTilt ${fmt(headerTilt)}°` : '';
    warnings.push(`gantry-tilt: ${[measured, header].filter(Boolean).join('; ')}`);
    if (tiltDegrees <= 0.5 && headerTilt !== null) tiltDegrees = Math.abs(headerTilt);
  }

  const spacingInput = inputs.find((f) => f.pixelSpacing)?.pixelSpacing ?? null;
  if (!spacingInput) warnings.push('no-pixel-spacing: PixelSpacing missing; 1 mm assumed');
  const rowSpacing = spacingInput?.[0] ?? 1;
  const columnSpacing = spacingInput?.[1] ?? 1;
  const thickness = inputs.find((f) => f.sliceThickness !== null)?.sliceThickness ?? null;

  const slopes = new Set(frames.map((f) => `${f.rescaleSlope}/${f.rescaleIntercept}`));
  if (slopes.size > 1) warnings.push('varying-rescale: RescaleSlope/RescaleIntercept differ between frames; each frame carries its own');

  return {
    ...meta,
    format,
    rescaleSlope: first.rescaleSlope,
    rescaleIntercept: first.rescaleIntercept,
    geometry: {
      origin: frames[0]?.position ?? null,
      orientation,
      normal: normal ? [round(normal[0]), round(normal[1]), round(normal[2])] : null,
      spacing: [columnSpacing, rowSpacing, round(sliceDistance, 6)],
      sliceThickness: thickness,
      tiltDegrees: round(tiltDegrees, 3),
      evenlySpaced,
    },
    frames,
    warnings,
  };
}

/** Window presets from WindowCenter/WindowWidth (multi-valued) and their explanations. */
export function windowPresets(centers: readonly number[], widths: readonly number[], names: readonly string[]): WindowPreset[] {
  const presets: WindowPreset[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const center = centers[i] as number;
    const width = widths[i] as number;
    if (!Number.isFinite(center) || !Number.isFinite(width) || width < 1) continue;
    const name = names[i]?.trim();
    const key = `${center}/${width}/${name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    presets.push({ center, width, ...(name ? { name } : {}) });
  }
  return presets;
}
