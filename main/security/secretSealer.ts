import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Seals small secrets (database keys, tokens) so they are unreadable at rest without the machine's
 * key. The Electron adapter uses safeStorage (Keychain / DPAPI / libsecret); the file-key sealer
 * serves tests, the CLI and the browser host.
 */
export interface SecretSealer {
  /** Where the key lives: the OS keyring, or a key file beside the data. */
  readonly kind: 'os-keyring' | 'file-key';
  /**
   * True only when the key is held by the OS (not a file an attacker copies along with the data).
   * Policy decides whether real PHI may be stored when this is false.
   */
  readonly protectsAtRest: boolean;
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  unseal(sealed: Uint8Array): Promise<Uint8Array>;
}

export class SealerError extends Error {
  override readonly name = 'SealerError';
}

const MAGIC = Buffer.from('ATS1');
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a random key kept in `<dir>/sealer.key` (mode 0600). */
export class FileKeySealer implements SecretSealer {
  readonly kind = 'file-key';
  readonly protectsAtRest = false;
  private key: Promise<Buffer> | undefined;

  constructor(private readonly dir: string) {}

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    const key = await this.loadKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  async unseal(sealed: Uint8Array): Promise<Uint8Array> {
    const buf = Buffer.from(sealed);
    if (buf.length < MAGIC.length + IV_BYTES + TAG_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new SealerError('Sealed secret is not in a format this sealer wrote');
    }
    const key = await this.loadKey();
    const iv = buf.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = buf.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(buf.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new SealerError('Sealed secret could not be opened: wrong key or tampered data');
    }
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= this.readOrCreateKey();
    return this.key;
  }

  private async readOrCreateKey(): Promise<Buffer> {
    const file = join(this.dir, 'sealer.key');
    try {
      const existing = await readFile(file);
      if (existing.length !== KEY_BYTES) throw new SealerError(`Key file ${file} is damaged`);
      return existing;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(this.dir, { recursive: true });
    const key = randomBytes(KEY_BYTES);
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // link() refuses to replace an existing file, so two processes racing here agree on one key.
    try {
      await link(tmp, file);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return readFile(file);
    } finally {
      await unlink(tmp);
    }
  }
}
