import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { FolderScan } from './dicomFolder.js';

/**
 * The local image library: DICOM folders the user has imported, as a small JSON index under the user
 * data folder (UIDs, counts and paths only; no patient names). The folders stay where they are.
 */
const SeriesEntry = z.object({
  seriesInstanceUid: z.string(),
  modality: z.string(),
  description: z.string(),
  slices: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
});
const FolderEntry = z.object({
  root: z.string(),
  importedAt: z.string(),
  files: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  studies: z.array(z.object({ studyInstanceUid: z.string(), studyDate: z.string().nullable(), series: z.array(SeriesEntry) })),
});
const LibraryFile = z.object({ version: z.literal(1), folders: z.array(FolderEntry) });
export type LibraryFolder = z.infer<typeof FolderEntry>;

export class LocalImageLibrary {
  readonly file: string;

  constructor(userDataDir: string) {
    this.file = join(userDataDir, 'imaging', 'library.json');
  }

  async list(): Promise<LibraryFolder[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = LibraryFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Image library index ${this.file} is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.folders;
  }

  /** Adds (or refreshes) a scanned folder; returns the entry written. */
  async add(root: string, scan: FolderScan, now = new Date()): Promise<LibraryFolder> {
    const entry: LibraryFolder = {
      root: resolve(root),
      importedAt: now.toISOString(),
      files: scan.files,
      errors: scan.errors.length,
      studies: scan.studies.map((study) => ({
        studyInstanceUid: study.studyInstanceUid,
        studyDate: study.studyDate,
        series: study.series.map((s) => ({
          seriesInstanceUid: s.seriesInstanceUid,
          modality: s.modality,
          description: s.description,
          slices: s.frames.length,
          warnings: [...s.warnings],
        })),
      })),
    };
    const folders = (await this.list()).filter((f) => f.root !== entry.root);
    folders.push(entry);
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: 1, folders }, null, 1)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
    return entry;
  }
}
