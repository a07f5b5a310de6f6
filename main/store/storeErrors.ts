/**
 * Why the store could not do what was asked. Every failure a person can act on has a code and a
 * message that says what happened and what to do; nothing here ever resets or deletes data.
 */
export type StoreErrorCode =
  | 'wrong_key'
  | 'key_missing'
  | 'corrupt'
  | 'newer_schema'
  | 'migration_failed'
  | 'locked_by_other'
  | 'busy'
  | 'disk_full'
  | 'read_only'
  | 'phi_refused'
  | 'not_found'
  | 'conflict'
  | 'invalid';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps SQLite's error codes onto the store's, so callers see one vocabulary. */
export function translateSqliteError(error: unknown): unknown {
  if (error instanceof StoreError || !(error instanceof Error)) return error;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return error;
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR_WRITE') || code === 'SQLITE_IOERR_FSYNC') {
    return new StoreError('disk_full', 'The disk (or the store’s size limit) is full: the last change was not saved and nothing else was lost. Free some space and try again.', { cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('busy', 'The store is busy in another process; try again in a moment.', { cause: error });
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY')) {
    return new StoreError('read_only', 'The store is open read-only; changes cannot be saved.', { cause: error });
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('corrupt', 'The store file is damaged or cannot be decrypted.', { cause: error });
  }
  return error;
}
