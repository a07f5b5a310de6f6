import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { AuditLog, verifyAuditChain, type AuditEntry, type AuditVerification } from '../audit/auditLog.js';
import type { SecretSealer } from '../security/secretSealer.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { loadStoreKey } from './storeKey.js';
import { StatementCache } from './statementCache.js';
import { StoreReader } from './storeReader.js';
import { StoreError, translateSqliteError } from './storeErrors.js';
import { WAL_BACKSTOP_PAGES, WAL_SIZE_LIMIT_BYTES, WalCheckpointer } from './walCheckpointer.js';
import { acquireWriterLock } from './writerLock.js';

export type Db = Database.Database;

export interface StoreOptions {
  /** The database file; its sealed key is `<file>.key` and its writer lock `<file>.writer`. */
  readonly file: string;
  readonly sealer: SecretSealer;
  /** Policy `store.allowPhiWithoutKeyring`, read at each write of real patient data. */
  readonly allowPhiWithoutKeyring?: () => boolean;
  /** Open for reading only (the CLI beside a running app, exports, verification). */
  readonly readOnly?: boolean;
  /** When another process holds the writer lock: open read-only (the app) instead of failing (tests, CLI). */
  readonly fallbackToReadOnly?: boolean;
  /**
   * At open: `critical` (default) checks the tables holding unsent work (outbox, drafts, results, the
   * audit log's head) page by page in milliseconds; `quick` checks every page of the file (seconds on a
   * large store: `atrium store stats --check` and restore use it); `full` also checks every index.
   */
  readonly integrityCheck?: 'critical' | 'quick' | 'full' | 'none';
  /** Tests replace the migration list to exercise failures and newer schemas. */
  readonly migrations?: readonly Migration[];
  /** The Electron-ABI build of the SQLite module, in the packaged app. */
  readonly nativeBinding?: string;
  readonly busyTimeoutMs?: number;
  readonly now?: () => number;
  /**
   * Checkpoint the WAL from a worker thread every this many milliseconds instead of inside commits
   * (the app and the bench; see walCheckpointer.ts). Off by default: a short-lived CLI or test process
   * has no use for a thread.
   */
  readonly backgroundCheckpointMs?: number;
}

export interface StoreStatus {
  readonly file: string;
  readonly readOnly: boolean;
  /** Why the store is read-only, in words for the person at the station; null when writable or asked for. */
  readonly readOnlyReason: string | null;
  readonly schemaVersion: number;
  readonly appSchemaVersion: number;
  readonly protectsAtRest: boolean;
}

interface StoreCipher {
  readonly name: string;
  readonly pragmas: (hexKey: string) => readonly string[];
}

/**
 * How a store's pages are encrypted, newest first: a store is opened with the first that fits its
 * file, and a new store gets the first. AEGIS-256 is authenticated, like ChaCha20-Poly1305 (sqleet)
 * before it, and much cheaper where the CPU has AES instructions: on the 100k-encounter bench store
 * claim + submit went from p50 1999 to 1195 µs and the full integrity check from 14.8 to 6.0 s (same
 * machine, same hour). Stores made before it keep ChaCha20: re-encrypting one in place (PRAGMA rekey,
 * which rewrites every page) is not crash-safe here, as a SIGKILL near the end of the rewrite left a
 * store that neither key opened (1 in ~30 kills), so it is not offered. The key is 32 random bytes, not a
 * passphrase: it goes in raw (AEGIS) or with one KDF round (ChaCha20), as stretching it adds nothing
 * but open time.
 */
const STORE_CIPHERS: readonly StoreCipher[] = [
  { name: 'aegis', pragmas: (hexKey) => ["cipher = 'aegis'", `key = 'raw:${hexKey}'`] },
  { name: 'chacha20', pragmas: (hexKey) => ["cipher = 'chacha20'", 'kdf_iter = 1', `hexkey = '${hexKey}'`] },
];

/** The cipher a keyed connection reads its store with. */
export function cipherOf(db: Db): string {
  return String(db.pragma('cipher', { simple: true }));
}

/**
 * Each connection keeps 32 MiB of decrypted pages (SQLite's default is 2 MiB): every page read from
 * disk is decrypted first, which made cold worklist pages on a 100k-encounter store 30-60 ms.
 */
const PAGE_CACHE_SIZE = -32_768;

function isPlainSqlite(file: string): boolean {
  try {
    return readFileSync(file).subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000';
  } catch {
    return false;
  }
}

/** A keyed connection to the store file; the read worker opens its read-only one through here too. */
export function openConnection(file: string, key: Buffer, readOnly: boolean, options: Pick<StoreOptions, 'busyTimeoutMs' | 'nativeBinding'>): Db {
  let db: Db | undefined;
  for (const [i, cipher] of STORE_CIPHERS.entries()) {
    try {
      db = keyedConnection(file, key, readOnly, options, cipher);
      break;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const doesNotFit = code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
      if (!doesNotFit) throw translateSqliteError(error);
      if (i < STORE_CIPHERS.length - 1) continue;
      if (isPlainSqlite(file)) throw new StoreError('corrupt', `${file} is a plain, unencrypted SQLite file, not an Atrium store. It was left untouched.`, { cause: error });
      throw new StoreError('wrong_key', `${file} cannot be decrypted: its key does not match (a key file from another store or machine) or the file is damaged. Nothing was changed; restore the store and its .key file from the same backup.`, { cause: error });
    }
  }
  if (!db) throw new StoreError('invalid', 'No store cipher is configured');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  db.pragma(`cache_size = ${PAGE_CACHE_SIZE}`);
  if (!readOnly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  }
  return db;
}

/** A connection keyed with one cipher, proven by a first read (which throws, connection closed, if they do not fit). */
function keyedConnection(file: string, key: Buffer, readOnly: boolean, options: Pick<StoreOptions, 'busyTimeoutMs' | 'nativeBinding'>, cipher: StoreCipher): Db {
  const db = new Database(file, {
    readonly: readOnly,
    fileMustExist: readOnly,
    timeout: options.busyTimeoutMs ?? 5000,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    for (const pragma of cipher.pragmas(key.toString('hex'))) db.pragma(pragma);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The encrypted local store: one writer connection, WAL, `synchronous=FULL`, numbered migrations
 * at open, an integrity check at open. A damaged store, a store from a newer Atrium, or one another
 * process is writing opens read-only and says why: nothing here ever resets or recreates a store.
 */
export class Store {
  readonly audit: AuditLog;
  private readonly statements: StatementCache;
  private readonly changeListeners = new Set<(encounterIds: string[]) => void>();
  /** Present when the WAL is checkpointed in the background (`backgroundCheckpointMs`). */
  readonly checkpointer: WalCheckpointer | null;

  private constructor(
    readonly db: Db,
    readonly status: StoreStatus,
    private readonly releaseLock: (() => void) | null,
    private readonly options: StoreOptions,
    private readonly key: Buffer,
  ) {
    this.audit = new AuditLog(db);
    this.statements = new StatementCache(db);
    this.checkpointer = null;
    if (!status.readOnly && options.backgroundCheckpointMs !== undefined) {
      db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      this.checkpointer = new WalCheckpointer({ file: status.file, key, everyMs: options.backgroundCheckpointMs, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    }
  }

  static async open(options: StoreOptions): Promise<Store> {
    const migrations = options.migrations ?? MIGRATIONS;
    const appSchemaVersion = migrations.at(-1)?.version ?? 0;
    const wantsReadOnly = options.readOnly === true;
    const key = await loadStoreKey(options.sealer, options.file, { create: !wantsReadOnly });

    let release: (() => void) | null = null;
    let reason: string | null = null;
    if (!wantsReadOnly) {
      try {
        release = acquireWriterLock(options.file);
      } catch (error) {
        if (!(error instanceof StoreError) || !options.fallbackToReadOnly) throw error;
        reason = `${error.message} Opened read-only.`;
      }
    }
    let readOnly = wantsReadOnly || release === null;
    const fail = (error: unknown): never => {
      release?.();
      throw error;
    };

    let db: Db;
    try {
      db = openConnection(options.file, key, readOnly, options);
    } catch (error) {
      return fail(error);
    }

    // The writer lock stays held: this process still owns the store while it is read-only (it serves
    // `atrium store …` through its control socket; a second Atrium opens read-only behind it).
    const reopenReadOnly = (why: string) => {
      db.close();
      readOnly = true;
      reason = why;
      db = openConnection(options.file, key, true, options);
    };

    try {
      const check = options.integrityCheck ?? 'critical';
      if (check !== 'none') {
        const messages = integrityProblems(db, check);
        if (messages.length > 0) {
          const why = `The store is damaged (${messages.slice(0, 3).join('; ')}). It was opened read-only so nothing more is lost: export unsent work with \`atrium store export <dir>\` and restore a backup.`;
          if (readOnly) reason = why;
          else reopenReadOnly(why);
        }
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') return fail(translateSqliteError(error));
      const why = `The store is damaged (${(error as Error).message}). It was opened read-only: export unsent work with \`atrium store export <dir>\` and restore a backup.`;
      if (readOnly) reason = why;
      else {
        try {
          reopenReadOnly(why);
        } catch (reopenError) {
          return fail(reopenError);
        }
      }
    }

    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > appSchemaVersion) {
      const why = `This store was written by a newer version of Atrium (schema ${schemaVersion}, this version knows ${appSchemaVersion}). It was opened read-only so nothing is lost; update Atrium to work on it.`;
      if (!readOnly) reopenReadOnly(why);
      else reason ??= why;
    } else if (schemaVersion < appSchemaVersion) {
      if (readOnly) {
        if (schemaVersion === 0) {
          db.close();
          return fail(new StoreError('read_only', `${options.file} has no Atrium schema yet and was opened read-only.`));
        }
        reason ??= `This store uses an older schema (${schemaVersion}); it will be upgraded the next time Atrium opens it for writing.`;
      } else {
        try {
          runMigrations(db, migrations, schemaVersion);
        } catch (error) {
          db.close();
          return fail(error);
        }
      }
    }

    const status: StoreStatus = {
      file: options.file,
      readOnly,
      readOnlyReason: reason,
      schemaVersion: db.pragma('user_version', { simple: true }) as number,
      appSchemaVersion,
      protectsAtRest: options.sealer.protectsAtRest,
    };
    return new Store(db, status, release, options, key);
  }

  /**
   * True when this process holds the store's writer lock: it is the Atrium working on this store,
   * writable or read-only because the store is damaged or newer than this app.
   */
  get holdsWriterLock(): boolean {
    return this.releaseLock !== null;
  }

  /** A read worker over this store's file, for reads too heavy for the main event loop. */
  startReader(): StoreReader {
    return StoreReader.start({ file: this.status.file, key: this.key, ...(this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {}) });
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A statement compiled once for this connection. */
  prepared<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    return this.statements.get<P, R>(sql);
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction, with SQLite errors turned into StoreErrors.
   *
   * `flush: 'now'` (the default) flushes the WAL to disk before returning. `'with-next-commit'` is
   * for soft state whose loss in a power cut is harmless (a lease: without it the item simply returns
   * to the queue): the commit is atomic and survives a killed process (it is in the OS's cache), and
   * the next flushed commit carries it to disk, since one fsync of the WAL covers every frame before
   * it. It saves one disk flush on the claim → edit → submit path.
   */
  write<T>(fn: () => T, options: { flush?: 'now' | 'with-next-commit' } = {}): T {
    if (this.status.readOnly) throw new StoreError('read_only', this.status.readOnlyReason ?? 'The store is open read-only.');
    // Inside an outer transaction the outer commit decides (and SQLite refuses the pragma there).
    const deferFlush = options.flush === 'with-next-commit' && !this.db.inTransaction;
    try {
      if (deferFlush) this.db.pragma('synchronous = NORMAL');
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw translateSqliteError(error);
    } finally {
      if (deferFlush) this.db.pragma('synchronous = FULL');
    }
  }

  read<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (error) {
      throw translateSqliteError(error);
    }
  }

  /** Records an audit entry in its own transaction (PHI reads); decisions append inside their own. */
  auditNow(entry: AuditEntry): void {
    if (this.status.readOnly) return;
    this.write(() => this.audit.append(entry, this.now()));
  }

  /**
   * Real patient data may only be stored where the OS keyring protects the key, unless policy says
   * otherwise. Synthetic (demo) data is always allowed.
   */
  assertMayStore(synthetic: boolean): void {
    if (synthetic || this.status.protectsAtRest || this.options.allowPhiWithoutKeyring?.() === true) return;
    throw new StoreError('phi_refused', 'This machine has no OS keyring to protect the store key, so Atrium does not store patient data here. An administrator can allow it with the policy setting store.allowPhiWithoutKeyring.');
  }

  verifyAudit(): AuditVerification {
    return this.read(() => verifyAuditChain(this.db));
  }

  meta(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM store_meta WHERE key = ?').get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  onChange(listener: (encounterIds: string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  notifyChange(encounterIds: string[]): void {
    for (const listener of this.changeListeners) listener(encounterIds);
  }

  fileBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(`${this.status.file}${suffix}`).size;
      } catch {
        /* no WAL yet */
      }
    }
    return total;
  }

  close(): void {
    if (!this.db.open) return;
    this.checkpointer?.stop();
    try {
      if (!this.status.readOnly) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* a reader elsewhere; the WAL is checkpointed next time */
    }
    this.db.close();
    this.releaseLock?.();
  }
}

const CRITICAL_TABLES = ['store_meta', 'outbox', 'coding_drafts', 'coding_results', 'worklist_actions', 'dead_letters', 'sync_cursors', 'verifications'];

export function integrityProblems(db: Db, check: 'critical' | 'quick' | 'full'): string[] {
  const run = (pragma: string) => (db.pragma(pragma) as Record<string, string>[]).map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok');
  if (check === 'full') return run('integrity_check(20)');
  if (check === 'quick') return run('quick_check(20)');
  // A new store has none of these tables yet; sqlite_schema is always checked.
  const present = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((r) => r.name));
  const problems = run('quick_check(sqlite_schema)');
  for (const table of CRITICAL_TABLES) if (present.has(table)) problems.push(...run(`quick_check(${table})`));
  return problems;
}

function runMigrations(db: Db, migrations: readonly Migration[], from: number): void {
  const pending = migrations.filter((m) => m.version > from);
  let current: Migration | undefined;
  try {
    db.transaction(() => {
      for (const migration of pending) {
        current = migration;
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      }
    }).immediate();
  } catch (error) {
    const translated = translateSqliteError(error);
    if (translated instanceof StoreError && translated.code !== 'corrupt') throw translated;
    const name = current ? `${String(current.version).padStart(4, '0')}-${current.name}` : '?';
    throw new StoreError('migration_failed', `Upgrading the store failed at migration ${name} (${(error as Error).message}); every step was rolled back and the store is as it was.`, { cause: error });
  }
}

export function storeFileExists(file: string): boolean {
  return existsSync(file);
}
