import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretSealer } from '../../security/secretSealer.js';
import { writeFileAtomic } from './atomicFile.js';

/**
 * The snowflake-sdk token cache (ID tokens of external-browser SSO, OAuth access and refresh tokens,
 * MFA tokens) kept sealed with the station's `SecretSealer`, one file per cache key, instead of the
 * driver's plaintext JSON file. Installed with `snowflake.configure({ customCredentialManager })`.
 */
export class SealedCredentialManager {
  constructor(
    private readonly sealer: SecretSealer,
    private readonly dir: string,
  ) {}

  async read(key: string): Promise<string | null> {
    let sealed: Buffer;
    try {
      sealed = await readFile(this.file(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return Buffer.from(await this.sealer.unseal(sealed)).toString('utf8');
    } catch {
      // A token sealed under another key (a restored backup) is as good as none: sign in again.
      await this.remove(key);
      return null;
    }
  }

  async write(key: string, token: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file(key), await this.sealer.seal(Buffer.from(token, 'utf8')));
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  private file(key: string): string {
    // Keys name the host and user; hashing keeps both out of file names.
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.sealed`);
  }
}
