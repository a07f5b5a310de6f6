import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretSealer } from '../security/secretSealer.js';
import { cipherOf, Store } from './store.js';
import { StoreError, translateSqliteError } from './storeErrors.js';
import { keyFileFor } from './storeKey.js';
import { acquireWriterLock } from './writerLock.js';

export interface StoreStats {
  file: string;
  readOnly: boolean;
  readOnlyReason: string | null;
  schemaVersion: number;
  appSchemaVersion: number;
  fileBytes: number;
  pageSize: number;
  pageCount: number;
  encrypted: true;
  /** The page cipher (SQLite3 Multiple Ciphers' name): stores made before AEGIS say chacha20. */
  cipher: string;
  keyProtectedByOs: boolean;
  tables: Record<string, number>;
  unsentMutations: number;
  auditRows: number;
}

const COUNTED = ['encounters', 'notes', 'suggestions', 'coding_drafts', 'coding_results', 'outbox', 'dead_letters', 'sync_cursors', 'image_studies', 'verifications', 'audit_log'] as const;

export function storeStats(store: Store): StoreStats {
  return store.read(() => {
    const tables: Record<string, number> = {};
    for (const t of COUNTED) tables[t] = store.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${t}`).get()?.n ?? 0;
    return {
      file: store.status.file,
      readOnly: store.status.readOnly,
      readOnlyReason: store.status.readOnlyReason,
      schemaVersion: store.status.schemaVersion,
      appSchemaVersion: store.status.appSchemaVersion,
      fileBytes: store.fileBytes(),
      pageSize: store.db.pragma('page_size', { simple: true }) as number,
      pageCount: store.db.pragma('page_count', { simple: true }) as number,
      encrypted: true,
      cipher: cipherOf(store.db),
      keyProtectedByOs: store.status.protectsAtRest,
      tables,
      unsentMutations: store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE acked_ms IS NULL').get()?.n ?? 0,
      auditRows: tables.audit_log ?? 0,
    };
  });
}

export interface BackupResult {
  file: string;
  keyFile: string;
  bytes: number;
}

function refuseExisting(target: string): void {
  if (existsSync(target)) throw new StoreError('invalid', `${target} already exists; choose a new file name.`);
}

/** The sealed key file beside the copy (`<target>.key`): only this machine's sealer can open it. */
function withKeyFile(store: Store, target: string): BackupResult {
  copyFileSync(keyFileFor(store.status.file), keyFileFor(target));
  return { file: target, keyFile: keyFileFor(target), bytes: statSync(target).size };
}

/**
 * An online backup: a consistent snapshot written with `VACUUM INTO`, encrypted with the same key,
 * plus a copy of the sealed key file. Works on a read-only connection beside a running app. It holds
 * the calling thread for as long as the copy takes (seconds on a large store): the CLI's way.
 */
export function backupStore(store: Store, target: string): BackupResult {
  refuseExisting(target);
  try {
    store.db.prepare('VACUUM INTO ?').run(target);
  } catch (error) {
    throw translateSqliteError(error);
  }
  return withKeyFile(store, target);
}

/**
 * The same backup written by a store worker thread on its own read-only connection, so the running
 * app's main event loop (its IPC, the worklist) keeps turning while a large store is copied. Not the
 * stepwise online backup API (`db.backup()`): better-sqlite3 opens its destination without a key, and
 * SQLite3 Multiple Ciphers refuses to copy an encrypted store there ("backup is not supported with
 * incompatible source and target databases").
 */
export async function backupStoreOffMain(store: Store, target: string): Promise<BackupResult> {
  refuseExisting(target);
  const worker = store.startReader();
  try {
    await worker.read({ op: 'backup', target });
  } finally {
    await worker.close();
  }
  return withKeyFile(store, target);
}

/**
 * Replaces the store with a backup. Refuses while another process writes the store. The backup is
 * opened and checked first; the current store is moved aside (`<db>.before-restore-<time>`), never deleted.
 */
export async function restoreStore(options: { file: string; backup: string; sealer: SecretSealer; now?: () => number }): Promise<{ movedAside: string | null }> {
  if (!existsSync(options.backup)) throw new StoreError('not_found', `${options.backup} does not exist.`);
  const backupKey = existsSync(keyFileFor(options.backup)) ? keyFileFor(options.backup) : keyFileFor(options.file);
  if (!existsSync(backupKey)) throw new StoreError('key_missing', `No key file for ${options.backup} (expected ${keyFileFor(options.backup)}).`);
  // Check the backup opens, is intact and is not newer than this app, on a copy of its key.
  const probeDir = `${options.backup}.probe-${process.pid}`;
  mkdirSync(probeDir, { recursive: true });
  const probeFile = join(probeDir, 'probe.db');
  copyFileSync(options.backup, probeFile);
  copyFileSync(backupKey, keyFileFor(probeFile));
  let problem: string | null;
  try {
    const probe = await Store.open({ file: probeFile, sealer: options.sealer, readOnly: true, integrityCheck: 'full' });
    problem = probe.status.readOnlyReason;
    probe.close();
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
  if (problem && !problem.includes('older schema')) throw new StoreError('corrupt', `The backup cannot be restored: ${problem}`);

  const release = acquireWriterLock(options.file);
  try {
    let movedAside: string | null = null;
    if (existsSync(options.file)) {
      movedAside = `${options.file}.before-restore-${(options.now ?? Date.now)()}`;
      renameSync(options.file, movedAside);
      for (const suffix of ['-wal', '-shm', '.key']) {
        if (existsSync(`${options.file}${suffix}`)) renameSync(`${options.file}${suffix}`, `${movedAside}${suffix}`);
      }
    }
    copyFileSync(options.backup, options.file);
    copyFileSync(backupKey, keyFileFor(options.file));
    return { movedAside };
  } finally {
    release();
  }
}

/**
 * Unsent work as plain JSON a person can rescue by hand: outbox rows not yet acknowledged, drafts,
 * dead letters and the coding results behind them. Works read-only, on a damaged store as far as it reads.
 */
export function exportUnsent(store: Store, dir: string): { files: string[]; counts: Record<string, number> } {
  mkdirSync(dir, { recursive: true });
  const parts: Record<string, string> = {
    outbox: 'SELECT seq, client_mutation_id, kind, encounter_id, principal, payload, attempts, last_error, created_ms FROM outbox WHERE acked_ms IS NULL ORDER BY seq',
    drafts: 'SELECT encounter_id, principal, payload, revision, updated_ms FROM coding_drafts ORDER BY encounter_id',
    dead_letters: 'SELECT * FROM dead_letters ORDER BY id',
    coding_results: 'SELECT r.* FROM coding_results r JOIN outbox o ON o.client_mutation_id = r.client_mutation_id WHERE o.acked_ms IS NULL ORDER BY r.id',
  };
  const files: string[] = [];
  const counts: Record<string, number> = {};
  for (const [name, sql] of Object.entries(parts)) {
    let rows: Record<string, unknown>[];
    try {
      rows = store.db.prepare<[], Record<string, unknown>>(sql).all();
    } catch (error) {
      rows = [{ error: `could not read ${name}: ${(error as Error).message}` }];
    }
    const readable = rows.map((r) => {
      const out: Record<string, unknown> = { ...r };
      if (typeof out.payload === 'string') {
        try {
          out.payload = JSON.parse(out.payload);
        } catch {
          /* keep the text */
        }
      }
      for (const k of Object.keys(out)) if (k.endsWith('_ms') && typeof out[k] === 'number') out[k.replace(/_ms$/, '_at')] = new Date(out[k] as number).toISOString();
      return out;
    });
    const file = join(dir, `${name}.json`);
    writeFileSync(file, `${JSON.stringify(readable, null, 2)}\n`, { mode: 0o600 });
    files.push(file);
    counts[name] = rows.length;
  }
  return { files, counts };
}
