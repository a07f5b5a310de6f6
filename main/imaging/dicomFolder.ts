import { lstat, opendir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DicomFileError, readDicomInstance, readFrameBytes, type DicomInstance, type FrameExtent } from './dicomFile.js';
import { encodingOf, type EncodedFrame, type ImageSource, type SourceError } from './imageSource.js';
import { buildSeries, type FrameInput, type ImageSeries, type ImageStudy, type SeriesFrame } from './seriesModel.js';

/** Stops a runaway scan of the wrong folder (a whole disk); far above any real study. */
const MAX_FILES = 200_000;
const MAX_DEPTH = 32;
const READ_CONCURRENCY = 8;

export interface FolderScan {
  readonly studies: ImageStudy[];
  readonly errors: SourceError[];
  /** Where each frame's bytes are, by SeriesFrame.locator. */
  readonly extents: ReadonlyMap<string, { file: string; extent: FrameExtent }>;
  readonly files: number;
}

/** Every regular file below `root`, without following symbolic links. */
async function* walk(root: string, errors: SourceError[], depth = 0): AsyncGenerator<string> {
  if (depth > MAX_DEPTH) {
    errors.push({ file: root, error: `folder nesting deeper than ${MAX_DEPTH} levels; not scanned` });
    return;
  }
  let dir;
  try {
    dir = await opendir(root);
  } catch (error) {
    errors.push({ file: root, error: `cannot read folder: ${(error as Error).message}` });
    return;
  }
  const entries: { name: string; isDir: boolean; isFile: boolean }[] = [];
  for await (const entry of dir) entries.push({ name: entry.name, isDir: entry.isDirectory(), isFile: entry.isFile() });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDir) yield* walk(path, errors, depth + 1);
    else if (entry.isFile) yield path;
  }
}

/**
 * Scans a folder recursively, recognising DICOM by content, and groups what it finds into studies and
 * series by UID. Every file that cannot be used gets one error line; the rest still loads.
 */
export async function scanDicomFolder(root: string, signal?: AbortSignal): Promise<FolderScan> {
  const errors: SourceError[] = [];
  const stat = await lstat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new DicomFileError(`${root} is not a folder`);
  const instances: DicomInstance[] = [];
  const files: string[] = [];
  for await (const file of walk(root, errors)) {
    if (files.length >= MAX_FILES) {
      errors.push({ file: relative(root, file), error: `more than ${MAX_FILES} files; the rest were not scanned` });
      break;
    }
    files.push(file);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      signal?.throwIfAborted();
      const file = files[next++] as string;
      try {
        instances.push(await readDicomInstance(file));
      } catch (error) {
        const message = error instanceof DicomFileError ? error.message : `unreadable: ${(error as Error).message ?? String(error)}`;
        errors.push({ file: relative(root, file), error: message });
      }
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  const extents = new Map<string, { file: string; extent: FrameExtent }>();
  const bySeries = new Map<string, DicomInstance[]>();
  const seenSop = new Map<string, string>();
  for (const instance of instances.sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const duplicate = seenSop.get(instance.sopInstanceUid);
    if (duplicate) {
      errors.push({ file: relative(root, instance.file), error: `duplicate SOP Instance UID (same as ${relative(root, duplicate)}); skipped` });
      continue;
    }
    seenSop.set(instance.sopInstanceUid, instance.file);
    const key = `${instance.studyInstanceUid}\u0000${instance.seriesInstanceUid}`;
    const list = bySeries.get(key) ?? [];
    list.push(instance);
    bySeries.set(key, list);
  }

  const studies = new Map<string, { study: Omit<ImageStudy, 'series'>; series: ImageSeries[] }>();
  for (const list of bySeries.values()) {
    const first = list[0] as DicomInstance;
    const inputs: FrameInput[] = [];
    for (const instance of list) {
      instance.frames.forEach((extent, f) => {
        const locator = `${relative(root, instance.file)}#${f + 1}`;
        extents.set(locator, { file: instance.file, extent });
        inputs.push({
          sopInstanceUid: instance.sopInstanceUid,
          frameNumber: f + 1,
          numberOfFrames: instance.numberOfFrames,
          instanceNumber: instance.instanceNumber,
          position: instance.positions[f] ?? null,
          orientation: instance.orientation,
          pixelSpacing: instance.pixelSpacing,
          sliceThickness: instance.sliceThickness,
          rescaleSlope: instance.rescaleSlope,
          rescaleIntercept: instance.rescaleIntercept,
          gantryTilt: instance.gantryTilt,
          format: instance.format,
          locator,
          transferSyntaxUid: instance.transferSyntaxUid,
        });
      });
    }
    const series = buildSeries(
      {
        studyInstanceUid: first.studyInstanceUid,
        seriesInstanceUid: first.seriesInstanceUid,
        modality: first.modality,
        description: first.seriesDescription,
        seriesNumber: first.seriesNumber,
        windowPresets: first.windows,
      },
      inputs,
    );
    const entry = studies.get(first.studyInstanceUid) ?? {
      study: { studyInstanceUid: first.studyInstanceUid, studyDate: first.studyDate, description: first.studyDescription },
      series: [],
    };
    entry.series.push(series);
    studies.set(first.studyInstanceUid, entry);
  }
  const ordered = [...studies.values()]
    .map(({ study, series }) => ({
      ...study,
      series: series.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) || (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : 1)),
    }))
    .sort((a, b) => (a.studyInstanceUid < b.studyInstanceUid ? -1 : 1));
  return { studies: ordered, errors, extents, files: files.length };
}

/** The DICOM-folder adapter of the ImageSource port. */
export class DicomFolderSource implements ImageSource {
  readonly kind = 'dicom-folder';
  private scan: Promise<FolderScan> | undefined;

  constructor(readonly root: string) {}

  async studies(signal?: AbortSignal): Promise<{ studies: ImageStudy[]; errors: SourceError[] }> {
    const { studies, errors } = await this.scanned(signal);
    return { studies, errors };
  }

  /** One scan per source; a failed or cancelled scan is forgotten so the next call tries again. */
  private scanned(signal?: AbortSignal): Promise<FolderScan> {
    this.scan ??= scanDicomFolder(this.root, signal).catch((error: unknown) => {
      this.scan = undefined;
      throw error;
    });
    return this.scan;
  }

  async readFrame(series: ImageSeries, frame: SeriesFrame, signal?: AbortSignal): Promise<EncodedFrame> {
    signal?.throwIfAborted();
    const scan = await this.scanned(signal);
    const where = scan.extents.get(frame.locator);
    if (!where) throw new DicomFileError(`frame ${frame.locator} is not part of ${this.root}`);
    void series;
    const bytes = await readFrameBytes(where.file, where.extent);
    const encoding = encodingOf(frame.transferSyntaxUid);
    if (!encoding) throw new DicomFileError(`unsupported transfer syntax ${frame.transferSyntaxUid}`);
    return { encoding, bytes };
  }
}
