import { randomBytes } from 'node:crypto';
import { open, rename } from 'node:fs/promises';

/** Writes a file so a crash leaves either the old content or the new one, never half of it. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
