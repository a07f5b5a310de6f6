import { crc32, crc32Hex } from './crc32.js';
import { DicomFolderSource } from './dicomFolder.js';
import { decodeHtj2k } from './htj2kCodec.js';
import type { EncodedFrame, SourceError } from './imageSource.js';
import type { Vec3 } from './seriesModel.js';

/** The JSON `atrium imaging inspect <dir> --json` prints; other tools depend on its shape. */
export interface InspectReport {
  studies: {
    studyInstanceUid: string;
    series: {
      seriesInstanceUid: string;
      modality: string;
      slices: number;
      rows: number;
      columns: number;
      spacing: Vec3;
      orientation: number[] | null;
      firstPosition: Vec3 | null;
      warnings: string[];
      frames: { sopInstanceUid: string; frameNumber?: number; position: Vec3 | null; crc32: string }[];
    }[];
  }[];
  errors: SourceError[];
}

/** The stored pixel data of a frame after decoding (before rescale): what HealthImaging checksums. */
export async function decodedStoredPixels(frame: EncodedFrame): Promise<Uint8Array> {
  return frame.encoding === 'raw' ? frame.bytes : (await decodeHtj2k(frame.bytes)).pixels;
}

export async function inspectFolder(root: string, signal?: AbortSignal): Promise<InspectReport> {
  const source = new DicomFolderSource(root);
  const { studies, errors } = await source.studies(signal);
  const frameErrors: SourceError[] = [];
  const report: InspectReport = { studies: [], errors: [] };
  for (const study of studies) {
    const seriesOut: InspectReport['studies'][number]['series'] = [];
    for (const series of study.series) {
      const frames: InspectReport['studies'][number]['series'][number]['frames'] = [];
      for (const frame of series.frames) {
        let checksum = '';
        try {
          checksum = crc32Hex(crc32(await decodedStoredPixels(await source.readFrame(series, frame, signal))));
        } catch (error) {
          frameErrors.push({ file: frame.locator, error: `frame could not be decoded: ${(error as Error).message}` });
        }
        frames.push({
          sopInstanceUid: frame.sopInstanceUid,
          ...(frame.numberOfFrames > 1 ? { frameNumber: frame.frameNumber } : {}),
          position: frame.position,
          crc32: checksum,
        });
      }
      seriesOut.push({
        seriesInstanceUid: series.seriesInstanceUid,
        modality: series.modality,
        slices: series.frames.length,
        rows: series.format.rows,
        columns: series.format.columns,
        spacing: series.geometry.spacing,
        orientation: series.geometry.orientation ? [...series.geometry.orientation] : null,
        firstPosition: series.geometry.origin,
        warnings: [...series.warnings],
        frames,
      });
    }
    report.studies.push({ studyInstanceUid: study.studyInstanceUid, series: seriesOut });
  }
  report.errors = [...errors, ...frameErrors];
  return report;
}
