import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretSealer } from '../security/secretSealer.js';
import type { EncodedFrame } from './imageSource.js';

/**
 * Encoded frames on disk, encrypted and bounded. Each entry is AES-256-GCM under a random cache key
 * that `SecretSealer` seals (like the store's key); the entry's name (a hash of its cache key) is the
 * additional authenticated data, so entries cannot be swapped. Least recently used entries go first
 * once the size budget is exceeded. A damaged or foreign entry is a miss, and is removed.
 */
const MAGIC = Buffer.from('AFC1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_FILE = 'cache.key.sealed';
const ENTRY = /^[0-9a-f]{64}\.frame$/;

const EntryHeader = z.object({ encoding: z.enum(['raw', 'htj2k']), crc32: z.number().int().nonnegative().optional() });

export interface FrameCacheOptions {
  readonly dir: string;
  readonly sealer: SecretSealer;
  /** Size budget in bytes for all entries together. */
  readonly maxBytes: number;
}

export class FrameCache {
  private key: Promise<Buffer> | undefined;
  private index: Promise<Map<string, { size: number; used: number }>> | undefined;
  private total = 0;
  private clock = 0;

  constructor(private readonly options: FrameCacheOptions) {}

  /** Loads the key and the index ahead of the first lookup (e.g. when a series opens). */
  async warm(): Promise<void> {
    await this.loadIndex();
  }

  async get(cacheKey: string): Promise<EncodedFrame | null> {
    const name = entryName(cacheKey);
    let sealed: Buffer;
    try {
      sealed = await readFile(join(this.options.dir, name));
    } catch {
      // A miss needs neither the key nor the index: a cold cache does not hold up the first frame.
      void this.index?.then((index) => this.forget(index, name)).catch(() => undefined);
      return null;
    }
    const index = await this.loadIndex();
    const entry = index.get(name);
    if (!entry) return null;
    const plain = this.open(await this.loadKey(), name, sealed);
    if (!plain) {
      this.forget(index, name);
      await unlink(join(this.options.dir, name)).catch(() => undefined);
      return null;
    }
    entry.used = ++this.clock;
    const headerLength = plain.readUInt32LE(0);
    const header = EntryHeader.safeParse(JSON.parse(plain.subarray(4, 4 + headerLength).toString('utf8')));
    if (!header.success) return null;
    const bytes = new Uint8Array(plain.subarray(4 + headerLength));
    return { encoding: header.data.encoding, bytes, ...(header.data.crc32 !== undefined ? { crc32: header.data.crc32 } : {}) };
  }

  async put(cacheKey: string, frame: EncodedFrame): Promise<void> {
    const name = entryName(cacheKey);
    const header = Buffer.from(JSON.stringify({ encoding: frame.encoding, ...(frame.crc32 !== undefined ? { crc32: frame.crc32 } : {}) }));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length, 0);
    const plain = Buffer.concat([length, header, frame.bytes]);
    if (plain.length > this.options.maxBytes) return;
    const key = await this.loadKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const sealed = Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    const index = await this.loadIndex();
    const temp = join(this.options.dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(temp, sealed, { mode: 0o600 });
    await rename(temp, join(this.options.dir, name));
    this.forget(index, name);
    index.set(name, { size: sealed.length, used: ++this.clock });
    this.total += sealed.length;
    await this.evict(index);
  }

  /** Bytes on disk now (for tests and the status view). */
  async size(): Promise<number> {
    await this.loadIndex();
    return this.total;
  }

  async has(cacheKey: string): Promise<boolean> {
    return (await this.loadIndex()).has(entryName(cacheKey));
  }

  private async evict(index: Map<string, { size: number; used: number }>): Promise<void> {
    if (this.total <= this.options.maxBytes) return;
    const byAge = [...index.entries()].sort((a, b) => a[1].used - b[1].used);
    for (const [name] of byAge) {
      if (this.total <= this.options.maxBytes) break;
      this.forget(index, name);
      await unlink(join(this.options.dir, name)).catch(() => undefined);
    }
  }

  private forget(index: Map<string, { size: number; used: number }>, name: string): void {
    const entry = index.get(name);
    if (!entry) return;
    this.total -= entry.size;
    index.delete(name);
  }

  private open(key: Buffer, name: string, sealed: Buffer): Buffer | null {
    if (sealed.length < MAGIC.length + IV_BYTES + TAG_BYTES + 4 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES));
      decipher.setAuthTag(sealed.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES));
      decipher.setAAD(Buffer.from(name));
      return Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
  }

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      const file = join(this.options.dir, KEY_FILE);
      try {
        const key = Buffer.from(await this.options.sealer.unseal(await readFile(file)));
        if (key.length === 32) return key;
      } catch {
        // No key yet, or one this sealer cannot open: start a fresh cache below.
      }
      const key = randomBytes(32);
      // Entries under an old key are unreadable: drop them with the key.
      for (const name of await readdir(this.options.dir)) if (ENTRY.test(name)) await unlink(join(this.options.dir, name)).catch(() => undefined);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, await this.options.sealer.seal(key), { mode: 0o600 });
      await rename(temp, file);
      return key;
    })();
    return this.key;
  }

  private loadIndex(): Promise<Map<string, { size: number; used: number }>> {
    this.index ??= (async () => {
      await this.loadKey();
      const index = new Map<string, { size: number; used: number }>();
      this.total = 0;
      const entries: { name: string; size: number; mtime: number }[] = [];
      for (const name of await readdir(this.options.dir)) {
        if (!ENTRY.test(name)) continue;
        const s = await stat(join(this.options.dir, name)).catch(() => null);
        if (s) entries.push({ name, size: s.size, mtime: s.mtimeMs });
      }
      entries.sort((a, b) => a.mtime - b.mtime);
      for (const e of entries) {
        index.set(e.name, { size: e.size, used: ++this.clock });
        this.total += e.size;
      }
      await this.evict(index);
      return index;
    })();
    return this.index;
  }
}

function entryName(cacheKey: string): string {
  return `${createHash('sha256').update(cacheKey).digest('hex')}.frame`;
}
