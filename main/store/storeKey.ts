import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretSealer } from '../security/secretSealer.js';
import { StoreError } from './storeErrors.js';

const KEY_BYTES = 32;

/** The sealed database key lives beside the database: `<db>.key`. */
export function keyFileFor(dbFile: string): string {
  return `${dbFile}.key`;
}

/**
 * Reads the database key, unsealing it with the sealer; creates a random one for a new database.
 * An existing database without its key file is an error, never a reason to start over.
 */
export async function loadStoreKey(sealer: SecretSealer, dbFile: string, options: { create: boolean }): Promise<Buffer> {
  const keyFile = keyFileFor(dbFile);
  if (existsSync(keyFile)) {
    let key: Uint8Array;
    try {
      key = await sealer.unseal(readFileSync(keyFile));
    } catch (error) {
      throw new StoreError('wrong_key', `The store key in ${keyFile} cannot be unsealed on this machine or by this user account: ${(error as Error).message}`, { cause: error });
    }
    if (key.length !== KEY_BYTES) throw new StoreError('wrong_key', `The store key in ${keyFile} is damaged`);
    return Buffer.from(key);
  }
  if (!options.create || existsSync(dbFile)) {
    throw new StoreError('key_missing', `The key file ${keyFile} is missing, so the store ${dbFile} cannot be decrypted. Restore the key file from the same backup as the store; the store was left untouched.`);
  }
  mkdirSync(dirname(dbFile), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  const sealed = await sealer.seal(key);
  const tmp = `${keyFile}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, sealed);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, keyFile);
  return key;
}
