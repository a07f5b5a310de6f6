import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceResourcesDir, SOURCE_ROOT } from '../app/paths.js';
import { readDicomInstance, readFrameBytes } from './dicomFile.js';
import { decodeHtj2k, encodeHtj2kLossless } from './htj2kCodec.js';

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const HTJ2K_DIR = join(SOURCE_ROOT, 'test', 'fixtures', 'htj2k');

async function firstFrame(file: string): Promise<{ bytes: Uint8Array; signed: boolean; rows: number; columns: number; encoding: string }> {
  const instance = await readDicomInstance(file);
  return {
    bytes: await readFrameBytes(file, instance.frames[0]!),
    signed: instance.format.pixelRepresentation === 1,
    rows: instance.format.rows,
    columns: instance.format.columns,
    encoding: instance.encoding,
  };
}

describe('HTJ2K lossless round trip', () => {
  it('encodes every slice of the CT series and decodes it back bit for bit', async () => {
    const files = readdirSync(CT_DIR).filter((f) => f.endsWith('.dcm'));
    expect(files).toHaveLength(28);
    for (const file of files) {
      const frame = await firstFrame(join(CT_DIR, file));
      expect(frame.encoding).toBe('raw');
      const info = { width: frame.columns, height: frame.rows, bitsPerSample: 16, componentCount: 1, isSigned: frame.signed };
      const encoded = await encodeHtj2kLossless(frame.bytes, info);
      expect(encoded.length).toBeLessThan(frame.bytes.length);
      const decoded = await decodeHtj2k(encoded);
      expect(decoded.info).toMatchObject(info);
      expect(Buffer.compare(Buffer.from(decoded.pixels), Buffer.from(frame.bytes))).toBe(0);
    }
  });

  it.each(['CT1', 'CT2'])('decodes the %s HTJ2K sample to exactly its uncompressed twin', async (name) => {
    const compressed = await firstFrame(join(HTJ2K_DIR, `${name}_JPH.dcm`));
    const twin = await firstFrame(join(HTJ2K_DIR, `${name}_UNC.dcm`));
    expect(compressed.encoding).toBe('htj2k');
    const decoded = await decodeHtj2k(compressed.bytes);
    expect(decoded.pixels.length).toBe(twin.bytes.length);
    expect(Buffer.compare(Buffer.from(decoded.pixels), Buffer.from(twin.bytes))).toBe(0);
  });

  it('rejects a damaged codestream with an error, not a crash', async () => {
    const compressed = await firstFrame(join(HTJ2K_DIR, 'CT1_JPH.dcm'));
    await expect(decodeHtj2k(compressed.bytes.subarray(0, 40))).rejects.toThrow();
  });
});
