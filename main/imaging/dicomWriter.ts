/**
 * A minimal DICOM writer for generated series (tests, benchmarks, the demo generator): Part 10 with
 * explicit VR little endian, or a bare implicit-VR data set. Values are strings (text VRs), numbers
 * (US) or bytes (OB/OW).
 */
export type DicomValue = string | number | Uint8Array;
export interface DicomElementSpec {
  readonly tag: number; // (group << 16) | element
  readonly vr: string;
  readonly value: DicomValue;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'OV', 'SV', 'UV']);

function valueBytes(vr: string, value: DicomValue): Uint8Array {
  if (value instanceof Uint8Array) return value.length % 2 ? Uint8Array.from([...value, 0]) : value;
  if (typeof value === 'number') {
    const out = new Uint8Array(vr === 'UL' ? 4 : 2);
    const view = new DataView(out.buffer);
    if (vr === 'UL') view.setUint32(0, value, true);
    else view.setUint16(0, value, true);
    return out;
  }
  let text = value;
  if (text.length % 2) text += vr === 'UI' ? '\0' : ' ';
  return new TextEncoder().encode(text);
}

function element(spec: DicomElementSpec, explicit: boolean, undefinedLength = false): Uint8Array {
  const body = valueBytes(spec.vr, spec.value);
  const long = LONG_VRS.has(spec.vr);
  const headerLength = explicit ? (long ? 12 : 8) : 8;
  const out = new Uint8Array(headerLength + body.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, spec.tag >>> 16, true);
  view.setUint16(2, spec.tag & 0xffff, true);
  const length = undefinedLength ? 0xffffffff : body.length;
  if (explicit) {
    out[4] = spec.vr.charCodeAt(0);
    out[5] = spec.vr.charCodeAt(1);
    if (long) view.setUint32(8, length, true);
    else view.setUint16(6, length, true);
  } else view.setUint32(4, length, true);
  out.set(body, headerLength);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Encapsulated pixel data: an empty basic offset table, then one fragment per frame. */
export function encapsulate(frames: readonly Uint8Array[]): Uint8Array {
  const item = (bytes: Uint8Array): Uint8Array => {
    const padded = bytes.length % 2 ? Uint8Array.from([...bytes, 0]) : bytes;
    const head = new Uint8Array(8);
    const view = new DataView(head.buffer);
    view.setUint16(0, 0xfffe, true);
    view.setUint16(2, 0xe000, true);
    view.setUint32(4, padded.length, true);
    return concat([head, padded]);
  };
  const delimiter = new Uint8Array([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return concat([item(new Uint8Array(0)), ...frames.map(item), delimiter]);
}

export interface WriteOptions {
  readonly transferSyntaxUid: string;
  /** false: a bare implicit-VR data set without preamble or meta header. */
  readonly part10?: boolean;
  readonly sopClassUid?: string;
  readonly sopInstanceUid: string;
  /** Data set elements, sorted by tag by the writer. PixelData (7FE0,0010) may be encapsulated bytes. */
  readonly elements: readonly DicomElementSpec[];
  readonly encapsulated?: boolean;
}

export function writeDicom(options: WriteOptions): Uint8Array {
  const part10 = options.part10 ?? true;
  const explicit = options.transferSyntaxUid !== '1.2.840.10008.1.2';
  const sorted = [...options.elements].sort((a, b) => a.tag - b.tag);
  const body = concat(sorted.map((e) => element(e, explicit, options.encapsulated === true && e.tag === 0x7fe00010)));
  if (!part10) return body;
  const sopClass = options.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.2';
  const metaElements = concat([
    element({ tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) }, true),
    element({ tag: 0x00020002, vr: 'UI', value: sopClass }, true),
    element({ tag: 0x00020003, vr: 'UI', value: options.sopInstanceUid }, true),
    element({ tag: 0x00020010, vr: 'UI', value: options.transferSyntaxUid }, true),
    element({ tag: 0x00020012, vr: 'UI', value: '1.2.826.0.1.3680043.10.1337.1' }, true),
  ]);
  const groupLength = element({ tag: 0x00020000, vr: 'UL', value: metaElements.length }, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, metaElements, body]);
}

/** The common elements of a CT slice; callers add or override. */
export function ctSliceElements(args: {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  instanceNumber: number;
  position: readonly [number, number, number];
  orientation?: readonly number[];
  rows: number;
  columns: number;
  pixelSpacing?: readonly [number, number];
  pixelRepresentation?: 0 | 1;
  bitsStored?: number;
  numberOfFrames?: number;
  extra?: readonly DicomElementSpec[];
  pixelData: Uint8Array;
}): DicomElementSpec[] {
  const base: DicomElementSpec[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
    { tag: 0x00080018, vr: 'UI', value: args.sopUid },
    { tag: 0x00080020, vr: 'DA', value: '20240101' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x0008103e, vr: 'LO', value: 'GENERATED' },
    { tag: 0x00100020, vr: 'LO', value: 'GEN-1' },
    { tag: 0x00180050, vr: 'DS', value: '1' },
    { tag: 0x0020000d, vr: 'UI', value: args.studyUid },
    { tag: 0x0020000e, vr: 'UI', value: args.seriesUid },
    { tag: 0x00200013, vr: 'IS', value: String(args.instanceNumber) },
    { tag: 0x00200032, vr: 'DS', value: args.position.join('\\') },
    { tag: 0x00200037, vr: 'DS', value: (args.orientation ?? [1, 0, 0, 0, 1, 0]).join('\\') },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: args.rows },
    { tag: 0x00280011, vr: 'US', value: args.columns },
    { tag: 0x00280030, vr: 'DS', value: (args.pixelSpacing ?? [0.5, 0.5]).join('\\') },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: args.bitsStored ?? 16 },
    { tag: 0x00280102, vr: 'US', value: (args.bitsStored ?? 16) - 1 },
    { tag: 0x00280103, vr: 'US', value: args.pixelRepresentation ?? 1 },
    { tag: 0x00281050, vr: 'DS', value: '40\\-600' },
    { tag: 0x00281051, vr: 'DS', value: '400\\1500' },
    { tag: 0x00281055, vr: 'LO', value: 'ABDOMEN\\LUNG' },
    { tag: 0x00281052, vr: 'DS', value: '-1024' },
    { tag: 0x00281053, vr: 'DS', value: '1' },
    { tag: 0x7fe00010, vr: 'OW', value: args.pixelData },
  ];
  if (args.numberOfFrames) base.push({ tag: 0x00280008, vr: 'IS', value: String(args.numberOfFrames) });
  const overrides = new Map((args.extra ?? []).map((e) => [e.tag, e]));
  return [...base.filter((e) => !overrides.has(e.tag)), ...overrides.values()];
}
