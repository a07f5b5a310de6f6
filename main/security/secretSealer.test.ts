import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeySealer, SealerError } from './secretSealer.js';
import { tempDir } from '../../test/support/tempDir.js';

const fresh = () => tempDir('atrium-sealer-');

describe('FileKeySealer', () => {
  it('round-trips, and never leaves the plaintext in the sealed bytes', async () => {
    const sealer = new FileKeySealer(fresh());
    const secret = Buffer.from('database key 0123456789abcdef');
    const sealed = await sealer.seal(secret);
    expect(Buffer.from(sealed).includes(secret)).toBe(false);
    expect(Buffer.from(await sealer.unseal(sealed))).toEqual(secret);
    expect(sealer.protectsAtRest).toBe(false);
  });

  it('keeps its key file private and reuses it across instances', async () => {
    const dir = fresh();
    const sealed = await new FileKeySealer(dir).seal(Buffer.from('x'));
    if (process.platform !== 'win32') expect(statSync(join(dir, 'sealer.key')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await new FileKeySealer(dir).unseal(sealed)).toString()).toBe('x');
  });

  it('agrees on one key when two sealers start at once', async () => {
    const dir = fresh();
    const [a, b] = [new FileKeySealer(dir), new FileKeySealer(dir)];
    const [sa, sb] = await Promise.all([a.seal(Buffer.from('a')), b.seal(Buffer.from('b'))]);
    expect(Buffer.from(await b.unseal(sa)).toString()).toBe('a');
    expect(Buffer.from(await a.unseal(sb)).toString()).toBe('b');
  });

  it('refuses tampered data, another key, and foreign formats with a clear error', async () => {
    const sealed = Buffer.from(await new FileKeySealer(fresh()).seal(Buffer.from('secret')));
    await expect(new FileKeySealer(fresh()).unseal(sealed)).rejects.toThrow(SealerError);
    const dir = fresh();
    const mine = Buffer.from(await new FileKeySealer(dir).seal(Buffer.from('secret')));
    mine[mine.length - 1] = (mine[mine.length - 1] as number) ^ 1;
    await expect(new FileKeySealer(dir).unseal(mine)).rejects.toThrow(/wrong key or tampered/);
    await expect(new FileKeySealer(dir).unseal(Buffer.from('plain'))).rejects.toThrow(/not in a format/);
  });

  it('refuses a damaged key file instead of making a new key', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'sealer.key'), 'short');
    await expect(new FileKeySealer(dir).seal(Buffer.from('x'))).rejects.toThrow(/damaged/);
    expect(readFileSync(join(dir, 'sealer.key'), 'utf8')).toBe('short');
  });
});
