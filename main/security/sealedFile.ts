import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
import type { SecretSealer } from './secretSealer.js';

/**
 * One small JSON document sealed with the `SecretSealer` and written atomically with mode 0600.
 * What comes back is parsed with the given schema: a damaged, tampered or foreign file reads as
 * absent (and is reported through `onDamaged`), never as half-trusted data.
 */
export class SealedJsonFile<S extends z.ZodType> {
  constructor(
    private readonly sealer: SecretSealer,
    readonly file: string,
    private readonly schema: S,
    private readonly onDamaged: (error: Error) => void = () => undefined,
  ) {}

  async read(): Promise<z.output<S> | null> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      const plain = await this.sealer.unseal(sealed);
      const parsed = this.schema.safeParse(JSON.parse(Buffer.from(plain).toString('utf8')));
      if (!parsed.success) throw new Error('Sealed file does not match its schema');
      return parsed.data;
    } catch (error) {
      this.onDamaged(error as Error);
      return null;
    }
  }

  async write(value: z.input<S>): Promise<void> {
    const checked = this.schema.parse(value);
    const sealed = await this.sealer.seal(Buffer.from(JSON.stringify(checked), 'utf8'));
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(sealed);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
  }

  async wipe(): Promise<void> {
    try {
      await unlink(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
