import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sourceResourcesDir } from '../../app/paths.js';
import { tempDir } from '../../../test/support/tempDir.js';
import { runCli } from '../index.js';

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
const InspectJson = z.strictObject({
  studies: z.array(
    z.strictObject({
      studyInstanceUid: z.string(),
      series: z.array(
        z.strictObject({
          seriesInstanceUid: z.string(),
          modality: z.string(),
          slices: z.number().int(),
          rows: z.number().int(),
          columns: z.number().int(),
          spacing: Vec3,
          orientation: z.array(z.number()).length(6),
          firstPosition: Vec3,
          warnings: z.array(z.string()),
          frames: z.array(z.strictObject({ sopInstanceUid: z.string(), position: Vec3, crc32: z.string().regex(/^[0-9a-f]{8}$/) })),
        }),
      ),
    }),
  ),
  errors: z.array(z.strictObject({ file: z.string(), error: z.string() })),
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const previousHome = process.env.ATRIUM_HOME;
afterEach(() => {
  if (previousHome === undefined) delete process.env.ATRIUM_HOME;
  else process.env.ATRIUM_HOME = previousHome;
});

describe('atrium imaging', () => {
  it('inspect --json prints the documented shape, frames in display order', async () => {
    const { code, stdout } = await cli(['imaging', 'inspect', CT_DIR, '--json']);
    expect(code).toBe(0);
    const report = InspectJson.parse(JSON.parse(stdout));
    const series = report.studies[0]!.series[0]!;
    expect(series).toMatchObject({ modality: 'CT', slices: 28, rows: 512, columns: 512, spacing: [0.451171875, 0.451171875, 5], warnings: [] });
    const z = series.frames.map((f) => f.position[2]);
    expect(z).toEqual([...z].sort((a, b) => a - b));
    expect(series.firstPosition).toEqual(series.frames[0]!.position);
    expect(new Set(series.frames.map((f) => f.crc32)).size).toBe(28);
    expect(report.errors.map((e) => e.file).sort()).toEqual(['LICENSE.dcm_qa_ct.txt', 'README.md', 'manifest.json']);
  });

  it('import adds the folder to the local library without a store or keyring', async () => {
    const home = tempDir('atrium-home-');
    process.env.ATRIUM_HOME = home;
    const { code, stdout } = await cli(['imaging', 'import', CT_DIR]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 study\(ies\), 1 series, 28 slice\(s\)/);
    const library = JSON.parse(readFileSync(join(home, 'imaging', 'library.json'), 'utf8')) as { folders: { root: string }[] };
    expect(library.folders.map((f) => f.root)).toEqual([CT_DIR]);
    await cli(['imaging', 'import', CT_DIR]);
    expect((JSON.parse(readFileSync(join(home, 'imaging', 'library.json'), 'utf8')) as { folders: unknown[] }).folders).toHaveLength(1);
  });

  it('refuses a missing folder argument as a usage error', async () => {
    expect((await cli(['imaging', 'inspect'])).code).toBe(2);
  });
});
