import { open, type FileHandle } from 'node:fs/promises';
import dicomParser from 'dicom-parser';
import { encodingOf, type FrameEncoding } from './imageSource.js';
import type { PixelFormat, Vec3, WindowPreset } from './seriesModel.js';
import { windowPresets } from './seriesModel.js';

/**
 * Reads one DICOM file by content, never by its name: a Part 10 file (`DICM` at byte 128) or a bare
 * data set starting with a plausible group 0002/0008 element (implicit or explicit VR). Only the
 * header is read at scan time (growing reads up to the PixelData element); pixel data is read per frame,
 * so a huge file costs a few small reads, never its size in memory.
 */
export class DicomFileError extends Error {
  override readonly name = 'DicomFileError';
}

export interface FrameExtent {
  /** Byte ranges in the file whose concatenation is the frame (several for a fragmented codestream). */
  readonly ranges: readonly (readonly [offset: number, length: number])[];
}

export interface DicomInstance {
  readonly file: string;
  readonly transferSyntaxUid: string;
  readonly encoding: FrameEncoding;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly modality: string;
  readonly seriesDescription: string;
  readonly studyDescription: string;
  readonly seriesNumber: number | null;
  readonly studyDate: string | null;
  readonly instanceNumber: number | null;
  readonly format: PixelFormat;
  readonly numberOfFrames: number;
  readonly orientation: readonly number[] | null;
  /** Per frame (multi-frame: from the functional groups, or stepped by SpacingBetweenSlices). */
  readonly positions: readonly (Vec3 | null)[];
  readonly pixelSpacing: readonly [number, number] | null;
  readonly sliceThickness: number | null;
  readonly gantryTilt: number | null;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly windows: readonly WindowPreset[];
  readonly frames: readonly FrameExtent[];
}

const HEADER_FIRST_READ = 64 * 1024;
const HEADER_MAX = 64 * 1024 * 1024;
const PIXEL_DATA = 'x7fe00010';
const ITEM = 0xe000fffe; // (FFFE,E000) read as a little-endian uint32 of group|element<<16
const SEQUENCE_DELIMITER = 0xe0ddfffe;

type Sniffed = { kind: 'part10' } | { kind: 'bare'; transferSyntaxUid: string };

const VRS = new Set('AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OW PN SH SL SQ SS ST TM UC UI UL UN UR US UT OV SV UV'.split(' '));

/** Recognises DICOM from the first bytes; null when it is not DICOM. */
export function sniffDicom(head: Uint8Array, fileSize: number): Sniffed | null {
  if (head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return { kind: 'part10' };
  if (head.length < 16) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const group = view.getUint16(0, true);
  const element = view.getUint16(2, true);
  if (group !== 0x0002 && group !== 0x0008) return null;
  if (element > 0x00ff && group === 0x0002) return null;
  const vr = String.fromCharCode(head[4] as number, head[5] as number);
  if (VRS.has(vr)) {
    // Explicit VR little endian without a preamble.
    const long = ['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'OV', 'SV', 'UV'].includes(vr);
    const length = long ? view.getUint32(8, true) : view.getUint16(6, true);
    if (length !== 0xffffffff && length > fileSize) return null;
    return { kind: 'bare', transferSyntaxUid: '1.2.840.10008.1.2.1' };
  }
  // Implicit VR little endian: a 4-byte length that fits in the file, then another element of the same or a later group.
  const length = view.getUint32(4, true);
  if (length === 0xffffffff || length > 1024 || 8 + length + 8 > Math.min(fileSize, head.length)) return null;
  const nextGroup = view.getUint16(8 + length, true);
  const nextElement = view.getUint16(10 + length, true);
  if (nextGroup < group || (nextGroup === group && nextElement <= element) || nextGroup > 0x7fe0) return null;
  return { kind: 'bare', transferSyntaxUid: '1.2.840.10008.1.2' };
}

function str(ds: dicomParser.DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

function numbers(ds: dicomParser.DataSet | undefined, tag: string): number[] {
  if (!ds) return [];
  const text = ds.string(tag);
  if (!text) return [];
  return text
    .split('\\')
    .map((part) => Number.parseFloat(part))
    .filter((n) => Number.isFinite(n));
}

function firstNumber(ds: dicomParser.DataSet | undefined, tag: string): number | null {
  const values = numbers(ds, tag);
  return values.length > 0 ? (values[0] as number) : null;
}

function us(ds: dicomParser.DataSet, tag: string): number | null {
  const element = ds.elements[tag];
  if (!element || element.length < 2) return null;
  return ds.uint16(tag) ?? null;
}

function vec3(values: readonly number[]): Vec3 | null {
  return values.length >= 3 ? [values[0] as number, values[1] as number, values[2] as number] : null;
}

function item(ds: dicomParser.DataSet | undefined, tag: string, index = 0): dicomParser.DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/** Reads the header of a DICOM file and locates every frame's bytes; throws DicomFileError with a clear reason. */
export async function readDicomInstance(file: string): Promise<DicomInstance> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new DicomFileError(`cannot open: ${errorText(error)}`);
  }
  try {
    const size = (await handle.stat()).size;
    const head = await readAt(handle, 0, Math.min(size, 512));
    const sniffed = sniffDicom(head, size);
    if (!sniffed) throw new DicomFileError('not a DICOM file (no DICM marker at byte 128 and no valid data set start)');
    const options = sniffed.kind === 'bare' ? { TransferSyntaxUID: sniffed.transferSyntaxUid } : {};

    let ds: dicomParser.DataSet | undefined;
    let readLength = Math.min(size, HEADER_FIRST_READ);
    let lastError: unknown;
    for (;;) {
      const bytes = await readAt(handle, 0, readLength);
      let meta: dicomParser.DataSet;
      try {
        meta = dicomParser.readPart10Header(bytes, options as { untilTag: string });
      } catch (error) {
        // The meta header is a few hundred bytes: if it does not parse from the first read, it never will.
        throw new DicomFileError(`corrupt file meta information: ${errorText(error)}`);
      }
      try {
        const ts = (sniffed.kind === 'bare' ? sniffed.transferSyntaxUid : meta.string('x00020010'))?.trim() ?? '';
        if (!ts) throw new DicomFileError('no TransferSyntaxUID in the file meta information');
        if (!encodingOf(ts)) throw new DicomFileError(`unsupported transfer syntax ${ts}`);
        const parsed = dicomParser.parseDicom(bytes, { ...options, untilTag: PIXEL_DATA });
        // Group 0000 never appears in a stored data set: zeros or garbage, not a header worth reading further.
        if (parsed.elements.x00000000) throw new DicomFileError('corrupt data set (zero-filled or garbage elements)');
        if (parsed.elements[PIXEL_DATA] || readLength >= size) {
          ds = parsed;
          break;
        }
      } catch (error) {
        if (error instanceof DicomFileError) throw error;
        lastError = error;
        if (readLength >= size) break;
      }
      if (readLength >= HEADER_MAX) throw new DicomFileError(`header larger than ${HEADER_MAX / 1024 / 1024} MiB before the pixel data`);
      readLength = Math.min(size, readLength * 4, HEADER_MAX);
    }
    if (!ds) throw new DicomFileError(`corrupt or truncated header: ${errorText(lastError)}`);
    return await describe(handle, file, size, ds, sniffed.kind === 'bare' ? sniffed.transferSyntaxUid : str(ds, 'x00020010'));
  } finally {
    await handle.close();
  }
}

async function describe(handle: FileHandle, file: string, size: number, ds: dicomParser.DataSet, transferSyntaxUid: string): Promise<DicomInstance> {
  const encoding = encodingOf(transferSyntaxUid);
  if (!encoding) throw new DicomFileError(`unsupported transfer syntax ${transferSyntaxUid}`);
  const studyInstanceUid = str(ds, 'x0020000d');
  const seriesInstanceUid = str(ds, 'x0020000e');
  const sopInstanceUid = str(ds, 'x00080018');
  if (!studyInstanceUid || !seriesInstanceUid || !sopInstanceUid) throw new DicomFileError('missing Study, Series or SOP Instance UID');
  const pixel = ds.elements[PIXEL_DATA];
  if (!pixel) throw new DicomFileError('no pixel data (not an image)');
  const rows = us(ds, 'x00280010');
  const columns = us(ds, 'x00280011');
  const bitsAllocated = us(ds, 'x00280100');
  if (!rows || !columns || !bitsAllocated) throw new DicomFileError('missing Rows, Columns or BitsAllocated');
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new DicomFileError(`BitsAllocated ${bitsAllocated} is not supported (8 or 16)`);
  const format: PixelFormat = {
    rows,
    columns,
    bitsAllocated,
    bitsStored: us(ds, 'x00280101') ?? bitsAllocated,
    pixelRepresentation: us(ds, 'x00280103') === 1 ? 1 : 0,
    samplesPerPixel: us(ds, 'x00280002') ?? 1,
    photometricInterpretation: str(ds, 'x00280004') || 'MONOCHROME2',
  };
  const numberOfFrames = Math.max(1, Math.trunc(firstNumber(ds, 'x00280008') ?? 1));

  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements.x52009230?.items;
  const orientation =
    numbers(ds, 'x00200037').length === 6 ? numbers(ds, 'x00200037') : numbers(item(shared, 'x00209116') ?? item(perFrame?.[0]?.dataSet, 'x00209116'), 'x00200037');
  const spacingSource = numbers(ds, 'x00280030').length >= 2 ? ds : (item(shared, 'x00289110') ?? item(perFrame?.[0]?.dataSet, 'x00289110'));
  const spacing = numbers(spacingSource, 'x00280030');
  const sliceThickness = firstNumber(ds, 'x00180050') ?? firstNumber(item(shared, 'x00289110') ?? item(perFrame?.[0]?.dataSet, 'x00289110'), 'x00180050');

  const positions: (Vec3 | null)[] = [];
  const basePosition = vec3(numbers(ds, 'x00200032'));
  for (let f = 0; f < numberOfFrames; f++) {
    const framePosition = vec3(numbers(item(perFrame?.[f]?.dataSet, 'x00209113'), 'x00200032'));
    if (framePosition) positions.push(framePosition);
    else if (basePosition && f === 0) positions.push(basePosition);
    else if (basePosition && orientation.length === 6) {
      const step = firstNumber(ds, 'x00180088');
      if (step === null) {
        positions.push(null);
        continue;
      }
      const [a, b, c, d, e, g] = orientation as [number, number, number, number, number, number];
      const n: Vec3 = [b * g - c * e, c * d - a * g, a * e - b * d];
      positions.push([basePosition[0] + n[0] * step * f, basePosition[1] + n[1] * step * f, basePosition[2] + n[2] * step * f]);
    } else positions.push(null);
  }

  const rescaleSource = ds.elements.x00281053 ? ds : item(shared, 'x00289145');
  const frames = await locateFrames(handle, size, ds, pixel, encoding, format, numberOfFrames);
  return {
    file,
    transferSyntaxUid,
    encoding,
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    modality: str(ds, 'x00080060'),
    seriesDescription: str(ds, 'x0008103e'),
    studyDescription: str(ds, 'x00081030'),
    seriesNumber: firstNumber(ds, 'x00200011'),
    studyDate: str(ds, 'x00080020') || null,
    instanceNumber: firstNumber(ds, 'x00200013'),
    format,
    numberOfFrames,
    orientation: orientation.length === 6 ? orientation : null,
    positions,
    pixelSpacing: spacing.length >= 2 ? [spacing[0] as number, spacing[1] as number] : null,
    sliceThickness,
    gantryTilt: firstNumber(ds, 'x00181120'),
    rescaleSlope: firstNumber(rescaleSource, 'x00281053') ?? 1,
    rescaleIntercept: firstNumber(rescaleSource, 'x00281052') ?? 0,
    windows: windowPresets(numbers(ds, 'x00281050'), numbers(ds, 'x00281051'), (ds.string('x00281055') ?? '').split('\\')),
    frames,
  };
}

async function locateFrames(
  handle: FileHandle,
  size: number,
  ds: dicomParser.DataSet,
  pixel: dicomParser.Element,
  encoding: FrameEncoding,
  format: PixelFormat,
  numberOfFrames: number,
): Promise<FrameExtent[]> {
  const start = pixel.dataOffset;
  if (encoding === 'raw') {
    if (pixel.hadUndefinedLength) throw new DicomFileError('encapsulated pixel data in an uncompressed transfer syntax');
    const frameBytes = format.rows * format.columns * format.samplesPerPixel * (format.bitsAllocated / 8);
    const needed = frameBytes * numberOfFrames;
    if (pixel.length < needed) throw new DicomFileError(`pixel data holds ${pixel.length} bytes, ${needed} expected for ${numberOfFrames} frame(s)`);
    if (start + needed > size) throw new DicomFileError(`truncated: pixel data ends at byte ${start + needed}, the file has ${size}`);
    return Array.from({ length: numberOfFrames }, (_, f) => ({ ranges: [[start + f * frameBytes, frameBytes] as const] }));
  }
  if (!pixel.hadUndefinedLength) throw new DicomFileError('compressed transfer syntax without encapsulated pixel data');
  // Walk the items: basic offset table first, then fragments, until the sequence delimiter.
  const fragments: { offset: number; length: number; relative: number }[] = [];
  let position = start;
  let offsetTable: number[] = [];
  let firstFragmentAt = -1;
  for (let index = 0; ; index++) {
    if (position + 8 > size) throw new DicomFileError('truncated: encapsulated pixel data ends without its delimiter');
    const header = await readAt(handle, position, 8);
    const view = new DataView(header.buffer, header.byteOffset, 8);
    const tag = view.getUint32(0, true);
    const length = view.getUint32(4, true);
    if (tag === SEQUENCE_DELIMITER) break;
    if (tag !== ITEM) throw new DicomFileError(`corrupt encapsulated pixel data: unexpected tag at byte ${position}`);
    if (position + 8 + length > size) throw new DicomFileError('truncated: a pixel data fragment runs past the end of the file');
    if (index === 0) {
      if (length > 0) {
        const table = await readAt(handle, position + 8, length);
        const tv = new DataView(table.buffer, table.byteOffset, table.byteLength);
        offsetTable = Array.from({ length: Math.floor(length / 4) }, (_, i) => tv.getUint32(i * 4, true));
      }
    } else {
      if (firstFragmentAt < 0) firstFragmentAt = position;
      fragments.push({ offset: position + 8, length, relative: position - firstFragmentAt });
    }
    position += 8 + length;
  }
  if (fragments.length === 0) throw new DicomFileError('encapsulated pixel data has no fragments');
  void ds;
  if (numberOfFrames === 1) return [{ ranges: fragments.map((f) => [f.offset, f.length] as const) }];
  if (offsetTable.length === numberOfFrames) {
    return offsetTable.map((begin, i) => {
      const end = offsetTable[i + 1] ?? Number.POSITIVE_INFINITY;
      const parts = fragments.filter((f) => f.relative >= begin && f.relative < end);
      if (parts.length === 0) throw new DicomFileError(`frame ${i + 1} has no fragments`);
      return { ranges: parts.map((f) => [f.offset, f.length] as const) };
    });
  }
  if (fragments.length === numberOfFrames) return fragments.map((f) => ({ ranges: [[f.offset, f.length] as const] }));
  throw new DicomFileError(`cannot map ${fragments.length} fragments to ${numberOfFrames} frames without a basic offset table`);
}

/** The stored bytes of one frame (raw samples or a codestream), read from the file on demand. */
export async function readFrameBytes(file: string, extent: FrameExtent): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const total = extent.ranges.reduce((sum, [, length]) => sum + length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const [offset, length] of extent.ranges) {
      const part = await readAt(handle, offset, length);
      if (part.length !== length) throw new DicomFileError('file changed or truncated since it was scanned');
      out.set(part, at);
      at += length;
    }
    return out;
  } finally {
    await handle.close();
  }
}
