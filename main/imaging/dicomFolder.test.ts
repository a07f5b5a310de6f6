import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sourceResourcesDir, SOURCE_ROOT } from '../app/paths.js';
import { tempDir } from '../../test/support/tempDir.js';
import { crc32, crc32Hex } from './crc32.js';
import { scanDicomFolder } from './dicomFolder.js';
import { ctSliceElements, encapsulate, writeDicom } from './dicomWriter.js';
import { encodeHtj2kLossless } from './htj2kCodec.js';
import { inspectFolder } from './inspect.js';

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const HTJ2K_DIR = join(SOURCE_ROOT, 'test', 'fixtures', 'htj2k');
const Manifest = z.array(
  z.object({ file: z.string(), sopInstanceUID: z.string(), seriesInstanceUID: z.string(), imagePositionPatient: z.tuple([z.number(), z.number(), z.number()]) }),
);
const manifest = Manifest.parse(JSON.parse(readFileSync(join(CT_DIR, 'manifest.json'), 'utf8')));
const ctFiles = manifest.filter((m) => m.file.endsWith('.dcm'));
const byZ = [...ctFiles].sort((a, b) => a.imagePositionPatient[2] - b.imagePositionPatient[2]);

/** Replaces an ASCII UID in a file's bytes with another of the same length. */
function replaceAscii(bytes: Buffer, from: string, to: string): Buffer {
  expect(to).toHaveLength(from.length);
  const out = Buffer.from(bytes);
  let at = out.indexOf(from, 0, 'latin1');
  expect(at).toBeGreaterThan(0);
  while (at >= 0) {
    out.write(to, at, 'latin1');
    at = out.indexOf(from, at + 1, 'latin1');
  }
  return out;
}

function randomName(): string {
  return randomBytes(8).toString('hex');
}

describe('DICOM folder scan', () => {
  it('orders files with random names and no extensions by position along the slice normal', async () => {
    const dir = tempDir('atrium-ct-');
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    ctFiles.forEach((m, i) => copyFileSync(join(CT_DIR, m.file), join(i % 2 ? nested : dir, randomName())));
    const scan = await scanDicomFolder(dir);
    expect(scan.errors).toEqual([]);
    expect(scan.studies).toHaveLength(1);
    const series = scan.studies[0]!.series[0]!;
    expect(series.frames.map((f) => f.sopInstanceUid)).toEqual(byZ.map((m) => m.sopInstanceUID));
    expect(series.geometry.spacing).toEqual([0.451171875, 0.451171875, 5]);
    expect(series.geometry.orientation).toEqual([1, 0, 0, 0, 1, 0]);
    expect(series.geometry.origin).toEqual(byZ[0]!.imagePositionPatient);
    expect(series.geometry.sliceThickness).toBe(5);
    expect(series.rescaleSlope).toBe(1);
    expect(series.rescaleIntercept).toBe(-1024);
    expect(series.windowPresets[0]).toMatchObject({ center: 40, width: 80 });
    expect(series.warnings).toEqual([]);
  });

  it('separates two series that share a folder, and reports gaps', async () => {
    const dir = tempDir('atrium-two-');
    const seriesUid = ctFiles[0]!.seriesInstanceUID;
    const otherSeries = `${seriesUid.slice(0, -1)}${seriesUid.endsWith('9') ? '8' : '9'}`;
    for (const m of ctFiles) copyFileSync(join(CT_DIR, m.file), join(dir, randomName()));
    // A second series: the first 10 slices with new series and SOP UIDs, slice 5 left out (a gap).
    for (const m of byZ.slice(0, 10)) {
      if (m === byZ[5]) continue;
      let bytes = replaceAscii(readFileSync(join(CT_DIR, m.file)), seriesUid, otherSeries);
      const sop = m.sopInstanceUID;
      bytes = replaceAscii(bytes, sop, `${sop.slice(0, -1)}${sop.endsWith('7') ? '6' : '7'}`);
      writeFileSync(join(dir, randomName()), bytes);
    }
    const scan = await scanDicomFolder(dir);
    expect(scan.errors).toEqual([]);
    const series = scan.studies[0]!.series;
    expect(series.map((s) => s.frames.length).sort((a, b) => a - b)).toEqual([9, 28]);
    const gapped = series.find((s) => s.seriesInstanceUid === otherSeries)!;
    expect(gapped.warnings.some((w) => w.startsWith('gap:') && w.includes('10 mm'))).toBe(true);
    expect(gapped.geometry.evenlySpaced).toBe(false);
  });

  it('reports bad files one by one, imports everything else, and never reads a 2 GB junk file whole', async () => {
    const dir = tempDir('atrium-bad-');
    for (const m of ctFiles.slice(0, 5)) copyFileSync(join(CT_DIR, m.file), join(dir, m.file.replace('.dcm', '')));
    const good = readFileSync(join(CT_DIR, ctFiles[5]!.file));
    writeFileSync(join(dir, 'truncated'), good.subarray(0, 300_000));
    const corrupt = Buffer.from(good);
    corrupt.fill(0xff, 140, 700);
    writeFileSync(join(dir, 'corrupt'), corrupt);
    writeFileSync(join(dir, 'notes.dcm'), 'this is not DICOM at all, whatever its extension says\n'.repeat(20));
    const pixelTag = good.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    writeFileSync(join(dir, 'nopixels'), good.subarray(0, pixelTag));
    writeFileSync(join(dir, 'empty'), '');
    execFileSync('truncate', ['-s', '2G', join(dir, 'junk.bin')]);
    // A junk file with a DICM marker, then nothing but zeros for 2 GB.
    const fake = Buffer.alloc(132);
    fake.write('DICM', 128, 'latin1');
    writeFileSync(join(dir, 'fake-dicm'), fake);
    execFileSync('truncate', ['-s', '2G', join(dir, 'fake-dicm')]);

    const before = process.memoryUsage();
    const scan = await scanDicomFolder(dir);
    const after = process.memoryUsage();
    // Reading either 2 GB file whole would add gigabytes here; the header reads are kilobytes.
    expect(after.arrayBuffers + after.rss - before.arrayBuffers - before.rss).toBeLessThan(400 * 1024 * 1024);

    expect(scan.studies[0]!.series[0]!.frames).toHaveLength(5);
    const errors = Object.fromEntries(scan.errors.map((e) => [e.file, e.error]));
    expect(Object.keys(errors).sort()).toEqual(['corrupt', 'empty', 'fake-dicm', 'junk.bin', 'nopixels', 'notes.dcm', 'truncated']);
    expect(errors['truncated']).toMatch(/truncated/);
    expect(errors['junk.bin']).toMatch(/not a DICOM file/);
    expect(errors['empty']).toMatch(/not a DICOM file/);
    expect(errors['notes.dcm']).toMatch(/not a DICOM file/);
    expect(errors['nopixels']).toMatch(/no pixel data/);
    expect(errors['fake-dicm']).toMatch(/TransferSyntaxUID|corrupt|header/);
    expect(errors['corrupt']).toBeTruthy();
  });

  it('reads a bare implicit-VR data set, multi-frame files, and reports unsupported transfer syntaxes and gantry tilt', async () => {
    const dir = tempDir('atrium-gen-');
    const rows = 8;
    const columns = 6;
    const frame = (seed: number): Uint8Array => {
      const px = new Int16Array(rows * columns).map((_, i) => ((i * 37 + seed * 101) % 3000) - 1000);
      return new Uint8Array(px.buffer);
    };
    // Implicit VR, no preamble: three slices of a tilted acquisition (positions drift in y by 1 mm per 2 mm step).
    for (let i = 0; i < 3; i++) {
      const bytes = writeDicom({
        transferSyntaxUid: '1.2.840.10008.1.2',
        part10: false,
        sopInstanceUid: `1.2.3.4.1.${i}`,
        elements: ctSliceElements({
          studyUid: '1.2.3',
          seriesUid: '1.2.3.4',
          sopUid: `1.2.3.4.1.${i}`,
          instanceNumber: 3 - i,
          position: [0, i, i * 2],
          rows,
          columns,
          pixelData: frame(i),
          extra: [{ tag: 0x00181120, vr: 'DS', value: '26.57' }],
        }),
      });
      writeFileSync(join(dir, `implicit${i}`), bytes);
    }
    // A multi-frame HTJ2K instance, frames stored out of order along the normal.
    const frames = [frame(10), frame(11), frame(12)];
    const encoded = await Promise.all(frames.map((f) => encodeHtj2kLossless(f, { width: columns, height: rows, bitsPerSample: 16, componentCount: 1, isSigned: true })));
    const perFrame = [2, 0, 1].map((z) => z * 3);
    const seq = (items: Uint8Array[]): Uint8Array => {
      // Explicit VR sequence with defined-length items.
      const parts: number[] = [];
      for (const it of items) {
        parts.push(0xfe, 0xff, 0x00, 0xe0, ...new Uint8Array(new Uint32Array([it.length]).buffer), ...it);
      }
      return Uint8Array.from(parts);
    };
    const elementBytes = (group: number, el: number, vr: string, value: Uint8Array): Uint8Array => {
      const long = vr === 'SQ';
      const head = new Uint8Array(long ? 12 : 8);
      const v = new DataView(head.buffer);
      v.setUint16(0, group, true);
      v.setUint16(2, el, true);
      head[4] = vr.charCodeAt(0);
      head[5] = vr.charCodeAt(1);
      if (long) v.setUint32(8, value.length, true);
      else v.setUint16(6, value.length, true);
      return Uint8Array.from([...head, ...value]);
    };
    const ascii = (s: string): Uint8Array => new TextEncoder().encode(s.length % 2 ? `${s} ` : s);
    const perFrameGroups = seq(perFrame.map((z) => elementBytes(0x0020, 0x9113, 'SQ', seq([elementBytes(0x0020, 0x0032, 'DS', ascii(`0\\0\\${z}`))]))));
    const multi = writeDicom({
      transferSyntaxUid: '1.2.840.10008.1.2.4.202',
      sopInstanceUid: '1.2.3.5.1',
      encapsulated: true,
      elements: ctSliceElements({
        studyUid: '1.2.3',
        seriesUid: '1.2.3.5',
        sopUid: '1.2.3.5.1',
        instanceNumber: 1,
        position: [0, 0, 0],
        rows,
        columns,
        numberOfFrames: 3,
        pixelData: encapsulate(encoded),
        extra: [
          { tag: 0x7fe00010, vr: 'OB', value: encapsulate(encoded) },
          { tag: 0x52009230, vr: 'SQ', value: perFrameGroups },
        ],
      }),
    });
    writeFileSync(join(dir, 'multi'), multi);
    // JPEG baseline: recognised, reported as unsupported.
    writeFileSync(
      join(dir, 'jpeg'),
      writeDicom({
        transferSyntaxUid: '1.2.840.10008.1.2.4.50',
        sopInstanceUid: '1.2.3.6.1',
        elements: ctSliceElements({ studyUid: '1.2.3', seriesUid: '1.2.3.6', sopUid: '1.2.3.6.1', instanceNumber: 1, position: [0, 0, 0], rows, columns, pixelData: frame(0) }),
      }),
    );

    const report = await inspectFolder(dir);
    expect(report.errors).toEqual([{ file: 'jpeg', error: 'unsupported transfer syntax 1.2.840.10008.1.2.4.50' }]);
    const [implicit, multiSeries] = report.studies[0]!.series.sort((a, b) => (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : 1));
    expect(implicit!.frames.map((f) => f.sopInstanceUid)).toEqual(['1.2.3.4.1.0', '1.2.3.4.1.1', '1.2.3.4.1.2']);
    expect(implicit!.frames.map((f) => f.crc32)).toEqual([0, 1, 2].map((i) => crc32Hex(crc32(frame(i)))));
    expect(implicit!.warnings.find((w) => w.startsWith('gantry-tilt:'))).toMatch(/26\.57° measured.*GantryDetectorTilt 26\.57°/);
    expect(multiSeries!.slices).toBe(3);
    expect(multiSeries!.frames.map((f) => f.frameNumber)).toEqual([2, 3, 1]);
    expect(multiSeries!.frames.map((f) => f.position)).toEqual([[0, 0, 0], [0, 0, 3], [0, 0, 6]]);
    expect(multiSeries!.frames.map((f) => f.crc32)).toEqual([frames[1], frames[2], frames[0]].map((f) => crc32Hex(crc32(f!))));
    expect(multiSeries!.spacing).toEqual([0.5, 0.5, 3]);
    expect(readdirSync(dir)).toHaveLength(5);
  });
});
