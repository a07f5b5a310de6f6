import { defaultUserDataDir } from '../../app/paths.js';
import { scanDicomFolder } from '../../imaging/dicomFolder.js';
import { LocalImageLibrary } from '../../imaging/localLibrary.js';
import { folderAndJson, type CliIO } from '../cliCommand.js';

/** `atrium imaging import <dir>`: scans a DICOM folder and adds it to the local image library. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { dir, json } = folderAndJson(args);
  const scan = await scanDicomFolder(dir);
  const library = new LocalImageLibrary(defaultUserDataDir());
  const entry = await library.add(dir, scan);
  if (json) {
    io.stdout.write(`${JSON.stringify({ ...entry, errorDetails: scan.errors })}\n`);
  } else {
    const series = entry.studies.reduce((n, s) => n + s.series.length, 0);
    const slices = entry.studies.reduce((n, s) => n + s.series.reduce((m, x) => m + x.slices, 0), 0);
    io.stdout.write(`Imported ${entry.root}: ${entry.studies.length} study(ies), ${series} series, ${slices} slice(s) from ${entry.files} file(s)\n`);
    for (const e of scan.errors) io.stderr.write(`skipped ${e.file}: ${e.error}\n`);
  }
  return entry.studies.length > 0 ? 0 : 1;
}
