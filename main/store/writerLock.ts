import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreError } from './storeErrors.js';

/** Who holds the writer lock of a store: one process writes, any number read. */
interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'pid' in parsed && typeof parsed.pid === 'number') return parsed as LockOwner;
  } catch {
    /* unreadable or half-written: treated as stale */
  }
  return null;
}

/**
 * Takes `<db>.writer`, an exclusive lock file naming this process. A lock left by a process that no
 * longer runs (killed, crashed) is taken over; a live one makes the caller open read-only.
 */
export function acquireWriterLock(dbFile: string): () => void {
  const file = `${dbFile}.writer`;
  const me: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return () => {
        const owner = readOwner(file);
        if (owner?.token === me.token) unlinkSync(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner && owner.host === hostname() && alive(owner.pid)) {
      throw new StoreError('locked_by_other', `The store is already in use by another Atrium process (pid ${owner.pid}${owner.pid === process.pid ? ', this one' : ''}), which holds its writer lock (also while it shows the store read-only). Close that process first, or open read-only.`);
    }
    try {
      unlinkSync(file);
    } catch {
      /* someone else removed it first */
    }
  }
  throw new StoreError('locked_by_other', 'The store’s writer lock could not be taken; another process keeps taking it.');
}
