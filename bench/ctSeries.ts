import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_ROOT } from '../main/app/paths.js';
import { readDicomInstance, readFrameBytes } from '../main/imaging/dicomFile.js';
import { ctSliceElements, writeDicom } from '../main/imaging/dicomWriter.js';

/** The generated bench CT's study UID. */
export const BENCH_CT_STUDY = '2.25.4242';

/**
 * Writes a `slices`-slice 512×512 16-bit CT series (1.25 mm apart) into `dir`, built from the bundled
 * phantom's slices so the pixels are real CT. Shared by the imaging and viewer benches (cache it with
 * `cachedFixture(\`imaging-ct${slices}\`, 1, …)` so both use one copy).
 */
export async function buildBenchCtSeries(dir: string, slices: number): Promise<void> {
  const ctDir = join(SOURCE_ROOT, 'resources', 'demo-ct');
  const sources: Uint8Array[] = [];
  for (let i = 10; i <= 280; i += 10) {
    const file = join(ctDir, `I${i}.dcm`);
    const instance = await readDicomInstance(file);
    sources.push(await readFrameBytes(file, instance.frames[0]!));
  }
  for (let i = 0; i < slices; i++) {
    const sop = `${BENCH_CT_STUDY}.${i + 1}`;
    // Walk up and down the phantom so neighbouring slices stay similar, as in a real series.
    const cycle = Math.floor(i / sources.length);
    const k = i % sources.length;
    const pixels = sources[cycle % 2 ? sources.length - 1 - k : k]!;
    const bytes = writeDicom({
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopInstanceUid: sop,
      elements: ctSliceElements({
        studyUid: BENCH_CT_STUDY,
        seriesUid: `${BENCH_CT_STUDY}.1`,
        sopUid: sop,
        instanceNumber: i + 1,
        position: [-115.5, -1.85, 600 + i * 1.25],
        rows: 512,
        columns: 512,
        pixelSpacing: [0.451171875, 0.451171875],
        pixelRepresentation: 0,
        bitsStored: 12,
        pixelData: pixels,
      }),
    });
    writeFileSync(join(dir, `s${String(i).padStart(4, '0')}`), bytes);
  }
}
