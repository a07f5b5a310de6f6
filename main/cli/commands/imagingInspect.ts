import { inspectFolder } from '../../imaging/inspect.js';
import { folderAndJson, type CliIO } from '../cliCommand.js';

/**
 * `atrium imaging inspect <dir> [--json]`: studies, series (display order, geometry, warnings) and a
 * CRC-32 per frame over the stored pixel data. Reads files only: no store, no keyring.
 */
export async function run(args: string[], io: CliIO): Promise<number> {
  const { dir, json } = folderAndJson(args);
  const report = await inspectFolder(dir);
  if (json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const study of report.studies) {
      io.stdout.write(`Study ${study.studyInstanceUid}\n`);
      for (const s of study.series) {
        io.stdout.write(
          `  Series ${s.seriesInstanceUid} ${s.modality} ${s.slices} slice(s) ${s.columns}x${s.rows} spacing ${s.spacing.join(' x ')} mm\n`,
        );
        for (const warning of s.warnings) io.stdout.write(`    warning: ${warning}\n`);
      }
    }
    for (const e of report.errors) io.stdout.write(`error: ${e.file}: ${e.error}\n`);
  }
  const seriesCount = report.studies.reduce((n, st) => n + st.series.length, 0);
  return seriesCount === 0 ? 1 : 0;
}
