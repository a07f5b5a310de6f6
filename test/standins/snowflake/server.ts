import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance, LIST, VARCHAR, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { z } from 'zod';
import { splitStatements } from '../../../cloud/warehouse/sqlScript.js';
import { statementTypeId, translate } from './dialect.js';

/**
 * A Snowflake stand-in for tests and demos (never shipped): an HTTP server speaking the REST protocol
 * snowflake-sdk uses (login-request, query-request with JSON rowsets, token-request renewal, heartbeat,
 * session delete, telemetry), backed by DuckDB with one engine connection per Snowflake session so
 * temporary tables behave. Faults are injected through `faults`.
 */

const WAREHOUSE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'cloud', 'warehouse');

export interface StandInFaults {
  /** Execute the next N matching query-requests, then drop the connection without answering. */
  dropAfterCommit: number;
  dropAfterCommitMatch: RegExp;
  /** Answer the next N matching query-requests with 503 before executing them. */
  unavailable: number;
  unavailableMatch: RegExp;
  /** Answer the next N matching query-requests with 390112 (session token expired); the driver renews and replays. */
  expireSession: number;
  expireSessionMatch: RegExp;
  /** Send half the body of the next N query responses, then cut the connection. */
  truncateBody: number;
  /** Added to every query response. */
  latencyMs: number;
}

export interface StandInStats {
  logins: number;
  renewals: number;
  heartbeats: number;
  queries: number;
  deletes: number;
  faultsInjected: number;
  telemetry: number;
  /** Result chunks the driver downloaded (large results: the first rows inline, the rest in chunks). */
  chunks: number;
}

interface Session {
  id: number;
  sessionToken: string;
  masterToken: string;
  connection: DuckDBConnection;
  user: string;
  authenticator: string;
}

const LoginBody = z.object({
  data: z
    .object({
      LOGIN_NAME: z.string().optional(),
      AUTHENTICATOR: z.string().optional(),
      TOKEN: z.string().optional(),
      PASSWORD: z.string().optional(),
    })
    .passthrough(),
});

const BindValue = z.object({ type: z.string(), value: z.union([z.string(), z.null(), z.array(z.union([z.string(), z.null()]))]) });
const QueryBody = z.object({
  sqlText: z.string(),
  bindings: z.record(z.string(), BindValue).optional(),
  bindStage: z.string().optional(),
});
const RenewBody = z.object({ requestType: z.string(), oldSessionToken: z.string() });

type Bind = z.infer<typeof BindValue>;

export interface SnowflakeStandInOptions {
  /** Key-pair users: LOGIN_NAME → accepted; anything with a token is accepted unless `rejectLogin` says no. */
  rejectLogin?: (user: string, authenticator: string) => string | null;
  /** Session token validity reported to the driver, in seconds. */
  sessionValiditySeconds?: number;
  /** Apply cloud/warehouse migrations on start (default true). */
  migrate?: boolean;
  /**
   * Large results as Snowflake sends them: this many rows inline in the query response, the rest in
   * chunks of `chunkRows` (default 500) the driver downloads (from S3, with the query result master key
   * as the SSE-C key header). Off unless set: every row inline, as the sync bench's figures were taken.
   */
  inlineRows?: number;
  chunkRows?: number;
}

/** Result chunks kept for download; older ones go (a driver fetches a chunk within seconds). */
const KEEP_CHUNKS = 512;

export class SnowflakeStandIn {
  readonly faults: StandInFaults = {
    dropAfterCommit: 0,
    dropAfterCommitMatch: /^MERGE/i,
    unavailable: 0,
    unavailableMatch: /./,
    expireSession: 0,
    expireSessionMatch: /./,
    truncateBody: 0,
    latencyMs: 0,
  };
  readonly stats: StandInStats = { logins: 0, renewals: 0, heartbeats: 0, queries: 0, deletes: 0, faultsInjected: 0, telemetry: 0, chunks: 0 };
  /** Every SQL text the stand-in executed, as the driver sent it (for tests that check the push shape). */
  readonly executed: string[] = [];
  private server: Server | undefined;
  private instance: DuckDBInstance | undefined;
  private admin: DuckDBConnection | undefined;
  private readonly sessions = new Map<string, Session>();
  /** Chunk id → its rows (JSON arrays joined by commas, as Snowflake's chunk files hold them) and the key to read it. */
  private readonly resultChunks = new Map<string, { body: string; key: string }>();
  private nextSessionId = 1;
  /** One statement at a time, like table locks on the tables the desktops write. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SnowflakeStandInOptions = {}) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  async start(port = 0): Promise<this> {
    this.instance = await DuckDBInstance.create(':memory:');
    this.admin = await this.instance.connect();
    if (this.options.migrate !== false) await this.migrate();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.json(res, 500, { success: false, code: '000500', message: (error as Error).message, data: null });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const session of this.sessions.values()) session.connection.closeSync();
    this.sessions.clear();
    this.admin?.closeSync();
    this.instance?.closeSync();
    this.server = undefined;
  }

  /** Applies the warehouse migrations through the dialect shim, as an administrator would. */
  async migrate(): Promise<void> {
    const dir = join(WAREHOUSE_DIR, 'migrations');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      for (const statement of splitStatements(readFileSync(join(dir, file), 'utf8'))) await this.adminExec(statement);
    }
  }

  /** Runs Snowflake SQL as the warehouse's owner (server-side changes in tests and demos). */
  async adminExec(sql: string, params: readonly (string | number | null)[] = []): Promise<Record<string, unknown>[]> {
    const admin = this.admin;
    if (!admin) throw new Error('stand-in not started');
    return this.serial(async () => {
      const t = translate(sql);
      if (t.kind === 'skip') return [];
      const prepared = await admin.prepare(t.sql);
      params.forEach((value, i) => bindOne(prepared, i + 1, value === null ? null : String(value), typeof value === 'number' ? 'FIXED' : 'TEXT'));
      const reader = await prepared.runAndReadAll();
      if (t.writes.length > 0) await this.publish(admin);
      const names = reader.columnNames().map((n) => n.toUpperCase());
      return reader.getRowsJS().map((row) => Object.fromEntries(row.map((v, i) => [names[i] as string, typeof v === 'bigint' ? Number(v) : v])));
    });
  }

  /** Runs DuckDB SQL directly (bulk fixtures), then the emulated publish task. */
  async engineExec(duckSql: string): Promise<void> {
    const admin = this.admin;
    if (!admin) throw new Error('stand-in not started');
    await this.serial(async () => {
      await admin.run(duckSql);
      await this.publish(admin);
    });
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const path = url.pathname;
    if (req.method === 'POST' && path === '/session/v1/login-request') return this.login(body, res);
    if (req.method === 'GET' && path.startsWith('/chunks/')) return this.chunk(path.slice('/chunks/'.length), req, res);
    if (req.method === 'POST' && path === '/telemetry/send') {
      this.stats.telemetry++;
      return this.json(res, 200, { success: true, data: 'Log Received', code: null, message: null });
    }
    const token = /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '')?.[1];
    if (req.method === 'POST' && path === '/session/token-request') return this.renew(token, body, res);
    const session = token ? this.sessions.get(token) : undefined;
    if (!session) {
      return this.json(res, 200, { success: false, code: '390104', message: 'Session no longer exists or token invalid.', data: { errorCode: '390104' } });
    }
    if (req.method === 'POST' && path === '/session/heartbeat') {
      this.stats.heartbeats++;
      return this.json(res, 200, { success: true, code: null, message: null, data: null });
    }
    if (req.method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      this.stats.deletes++;
      this.sessions.delete(session.sessionToken);
      session.connection.closeSync();
      return this.json(res, 200, { success: true, code: null, message: null, data: null });
    }
    if (req.method === 'POST' && path === '/queries/v1/abort-request') {
      return this.json(res, 200, { success: true, code: null, message: null, data: null });
    }
    if (req.method === 'POST' && path === '/queries/v1/query-request') return this.query(session, body, res);
    this.json(res, 404, { success: false, code: '000404', message: `stand-in: no route ${req.method} ${path}`, data: null });
  }

  private login(raw: string, res: ServerResponse): void {
    const parsed = LoginBody.safeParse(JSON.parse(raw));
    if (!parsed.success) return this.json(res, 400, { success: false, code: '390100', message: 'bad login request', data: null });
    const user = parsed.data.data.LOGIN_NAME ?? '';
    const authenticator = parsed.data.data.AUTHENTICATOR ?? 'SNOWFLAKE';
    const refusal = this.options.rejectLogin?.(user, authenticator) ?? null;
    if (refusal) return this.json(res, 200, { success: false, code: '390100', message: refusal, data: { authnMethod: authenticator } });
    void this.openSession(user, authenticator).then((session) => {
      this.stats.logins++;
      const validity = this.options.sessionValiditySeconds ?? 3600;
      this.json(res, 200, {
        success: true,
        code: null,
        message: null,
        data: {
          token: session.sessionToken,
          masterToken: session.masterToken,
          validityInSeconds: validity,
          masterValidityInSeconds: 14400,
          sessionId: session.id,
          parameters: [
            { name: 'CLIENT_STAGE_ARRAY_BINDING_THRESHOLD', value: 65280 },
            { name: 'TIMEZONE', value: 'UTC' },
          ],
          sessionInfo: { databaseName: 'MEDICAL_CODING_ML', schemaName: 'STAGING', warehouseName: 'CODING_WH', roleName: 'ATRIUM_DESKTOP' },
          serverVersion: 'stand-in',
        },
      });
    });
  }

  private async openSession(user: string, authenticator: string): Promise<Session> {
    if (!this.instance) throw new Error('stand-in not started');
    const connection = await this.instance.connect();
    const session: Session = { id: this.nextSessionId++, sessionToken: token(), masterToken: token(), connection, user, authenticator };
    this.sessions.set(session.sessionToken, session);
    return session;
  }

  private renew(masterToken: string | undefined, raw: string, res: ServerResponse): void {
    const parsed = RenewBody.safeParse(JSON.parse(raw));
    const session = parsed.success ? this.sessions.get(parsed.data.oldSessionToken) : undefined;
    if (!parsed.success || !session || session.masterToken !== masterToken) {
      return this.json(res, 200, { success: false, code: '390114', message: 'Master token expired or invalid.', data: null });
    }
    this.stats.renewals++;
    this.sessions.delete(session.sessionToken);
    session.sessionToken = token();
    this.sessions.set(session.sessionToken, session);
    this.json(res, 200, {
      success: true,
      code: null,
      message: null,
      data: { sessionToken: session.sessionToken, validityInSecondsST: this.options.sessionValiditySeconds ?? 3600, masterToken: session.masterToken, validityInSecondsMT: 14400 },
    });
  }

  private async query(session: Session, raw: string, res: ServerResponse): Promise<void> {
    const parsed = QueryBody.safeParse(JSON.parse(raw));
    if (!parsed.success) return this.json(res, 400, { success: false, code: '000400', message: 'bad query request', data: null });
    const { sqlText, bindings } = parsed.data;
    if (parsed.data.bindStage) {
      return this.json(res, 200, { success: false, code: '000002', message: 'stand-in: stage binding is not supported (keep array binds under the threshold)', data: null });
    }
    const sql = sqlText.trimStart();
    if (this.faults.unavailable > 0 && this.faults.unavailableMatch.test(sql)) {
      this.faults.unavailable--;
      this.stats.faultsInjected++;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (this.faults.expireSession > 0 && this.faults.expireSessionMatch.test(sql)) {
      this.faults.expireSession--;
      this.stats.faultsInjected++;
      return this.json(res, 200, { success: false, code: '390112', message: 'Your session has expired. Please login again.', data: { errorCode: '390112' } });
    }
    this.stats.queries++;
    const queryId = randomUUID();
    let payload: Record<string, unknown>;
    try {
      payload = await this.serial(() => this.execute(session, sqlText, bindings ?? {}, queryId));
      this.executed.push(sqlText);
    } catch (error) {
      const message = (error as Error).message;
      return this.json(res, 200, {
        success: false,
        code: '002003',
        message: `SQL compilation error: ${message}`,
        data: { queryId, sqlState: '42S02', errorCode: '002003', internalError: false },
      });
    }
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    if (this.faults.dropAfterCommit > 0 && this.faults.dropAfterCommitMatch.test(sqlText.trimStart())) {
      this.faults.dropAfterCommit--;
      this.stats.faultsInjected++;
      res.socket?.destroy();
      return;
    }
    const text = JSON.stringify({ success: true, code: null, message: null, data: payload });
    if (this.faults.truncateBody > 0) {
      this.faults.truncateBody--;
      this.stats.faultsInjected++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      res.socket?.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(text);
  }

  private async execute(session: Session, sqlText: string, bindings: Record<string, Bind>, queryId: string): Promise<Record<string, unknown>> {
    const t = translate(sqlText);
    const typeId = statementTypeId(sqlText);
    const base = {
      queryId,
      parameters: [{ name: 'TIMEZONE', value: 'UTC' }],
      finalDatabaseName: 'MEDICAL_CODING_ML',
      finalSchemaName: 'STAGING',
      finalWarehouseName: 'CODING_WH',
      finalRoleName: 'ATRIUM_DESKTOP',
      numberOfBinds: Object.keys(bindings).length,
      statementTypeId: typeId,
      version: 1,
      queryResultFormat: 'json',
    };
    if (t.kind === 'skip') {
      return { ...base, rowtype: [column('status', 'text')], rowset: [['Statement executed successfully.']], total: 1, returned: 1 };
    }
    const binds = Object.entries(bindings).sort(([a], [b]) => Number(a) - Number(b)).map(([, b]) => b);
    const rowCount = binds.length > 0 && Array.isArray(binds[0]?.value) ? (binds[0].value as unknown[]).length : -1;
    let reader;
    if (rowCount >= 0) {
      // Array binding: the bind map holds one list per column.
      const { connection } = session;
      let affected = 0;
      const values = /^(INSERT\s+INTO\s+[\s\S]+?\s+)VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)\s*$/i.exec(t.sql);
      const appended = values?.[1] ? await appendToTemporary(connection, values[1], binds, rowCount) : null;
      if (appended !== null) {
        affected = appended;
      } else if (values) {
        // A plain multi-row insert: one statement over the bound columns as lists (as the server does).
        const prepared = await connection.prepare(`${values[1]}SELECT ${binds.map((_, i) => `unnest($${i + 1})`).join(', ')}`);
        binds.forEach((b, i) => prepared.bindList(i + 1, (b.value as (string | null)[]).slice(0, rowCount), LIST(VARCHAR)));
        const result = await prepared.runAndReadAll();
        affected = Number(result.getRowsJS()[0]?.[0] ?? 0);
      } else {
        // Any other statement runs once per bound row.
        const prepared = await connection.prepare(t.sql);
        for (let r = 0; r < rowCount; r++) {
          binds.forEach((b, i) => bindOne(prepared, i + 1, (b.value as (string | null)[])[r] ?? null, b.type));
          const result = await prepared.runAndReadAll();
          affected += Number(result.getRowsJS()[0]?.[0] ?? 0);
        }
      }
      if (t.writes.length > 0) await this.publish(connection);
      return { ...base, rowtype: [column('number of rows inserted', 'fixed')], rowset: [[String(affected)]], total: 1, returned: 1 };
    } else {
      const prepared = await session.connection.prepare(t.sql);
      binds.forEach((b, i) => bindOne(prepared, i + 1, b.value as string | null, b.type));
      reader = await prepared.runAndReadAll();
      if (t.writes.length > 0) await this.publish(session.connection);
    }
    const types = reader.columnTypes().map((ty) => String(ty));
    const names = reader.columnNames().map((n) => (typeId >= 0x3000 && typeId < 0x4000 ? dmlColumnName(typeId) : n.toUpperCase()));
    const rowtype = types.map((ty, i) => column(names[i] as string, snowflakeType(ty)));
    const rowset = reader.getRowsJS().map((row) => row.map((v) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v))));
    return { ...base, rowtype, ...this.chunked(rowset) };
  }

  /** Splits a large result into the inline rows and chunk files, as Snowflake does. */
  private chunked(rowset: (string | null)[][]): Record<string, unknown> {
    const inline = this.options.inlineRows ?? Number.POSITIVE_INFINITY;
    const whole = { total: rowset.length, returned: rowset.length };
    if (rowset.length <= inline) return { ...whole, rowset };
    const size = this.options.chunkRows ?? 500;
    const qrmk = randomBytes(32).toString('base64');
    const chunks: { url: string; rowCount: number; uncompressedSize: number; compressedSize: number }[] = [];
    for (let i = inline; i < rowset.length; i += size) {
      const rows = rowset.slice(i, i + size);
      const body = JSON.stringify(rows).slice(1, -1);
      const id = randomUUID();
      this.resultChunks.set(id, { body, key: qrmk });
      if (this.resultChunks.size > KEEP_CHUNKS) this.resultChunks.delete(this.resultChunks.keys().next().value as string);
      const bytes = Buffer.byteLength(body);
      chunks.push({ url: `${this.url}/chunks/${id}`, rowCount: rows.length, uncompressedSize: bytes, compressedSize: bytes });
    }
    return { ...whole, rowset: rowset.slice(0, inline), chunks, qrmk };
  }

  /** A chunk download: like S3 with SSE-C, only with the result's key in the header. */
  private chunk(id: string, req: IncomingMessage, res: ServerResponse): void {
    const chunk = this.resultChunks.get(id);
    if (!chunk) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('NoSuchKey');
      return;
    }
    if (req.headers['x-amz-server-side-encryption-customer-key'] !== chunk.key) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('AccessDenied');
      return;
    }
    this.stats.chunks++;
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(chunk.body) }).end(chunk.body);
  }

  /** The emulated PUBLISH_WORKLIST_CHANGES task, run right after a write to the worklist tables. */
  private async publish(connection: DuckDBConnection): Promise<void> {
    for (const statement of splitStatements(readFileSync(join(WAREHOUSE_DIR, 'publish_worklist_changes.sql'), 'utf8'))) {
      const t = translate(statement);
      if (t.kind === 'sql') await connection.run(t.sql);
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

function column(name: string, type: 'fixed' | 'real' | 'text' | 'boolean'): Record<string, unknown> {
  return {
    name,
    database: 'MEDICAL_CODING_ML',
    schema: 'STAGING',
    table: '',
    type,
    nullable: true,
    precision: type === 'fixed' ? 38 : null,
    scale: type === 'fixed' ? 0 : null,
    byteLength: type === 'text' ? 16777216 : null,
    length: type === 'text' ? 16777216 : null,
    collation: null,
  };
}

function dmlColumnName(typeId: number): string {
  if (typeId === 0x3100) return 'number of rows inserted';
  if (typeId === 0x3200) return 'number of rows updated';
  if (typeId === 0x3300) return 'number of rows deleted';
  return 'number of rows inserted';
}

function snowflakeType(duck: string): 'fixed' | 'real' | 'text' | 'boolean' {
  if (/^(BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|DECIMAL\(\d+,0\))$/.test(duck)) return 'fixed';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(duck)) return 'real';
  if (duck === 'BOOLEAN') return 'boolean';
  return 'text';
}

const APPENDABLE = new Set(['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'BOOLEAN']);

/**
 * Array binds into all columns of a session's temporary table (the desktop's staging table) go in
 * through DuckDB's appender: the same rows the multi-row INSERT writes, several times cheaper than
 * building lists and unnesting them, so the stand-in's own cost stays out of the push benchmark.
 * Returns null where this does not apply (other tables, a column subset); the INSERT path runs then.
 */
async function appendToTemporary(connection: DuckDBConnection, insertHead: string, binds: readonly Bind[], rows: number): Promise<number | null> {
  const target = /^INSERT\s+INTO\s+([A-Z_][A-Z0-9_]*)\s*\(([^)]*)\)\s*$/i.exec(insertHead.trim());
  if (!target) return null;
  const table = (target[1] as string).toUpperCase();
  const named = (target[2] as string).split(',').map((c) => c.trim().toUpperCase());
  const describe = await connection.prepare(`SELECT upper(column_name), data_type FROM duckdb_columns() WHERE database_name = 'temp' AND upper(table_name) = $1 ORDER BY column_index`);
  describe.bindVarchar(1, table);
  const columns = (await describe.runAndReadAll()).getRowsJS() as [string, string][];
  if (columns.length !== named.length || columns.some(([name, type], i) => name !== named[i] || !APPENDABLE.has(type))) return null;
  const appender = await connection.createAppender(table, 'main', 'temp');
  try {
    for (let r = 0; r < rows; r++) {
      columns.forEach(([, type], i) => {
        const value = (binds[i]?.value as (string | null)[])[r] ?? null;
        if (value === null) appender.appendNull();
        else if (type === 'BIGINT' || type === 'INTEGER') appender.appendBigInt(BigInt(value));
        else if (type === 'DOUBLE') appender.appendDouble(Number(value));
        else if (type === 'BOOLEAN') appender.appendBoolean(value === 'true' || value === '1');
        else appender.appendVarchar(value);
      });
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}

function bindOne(prepared: DuckDBPreparedStatement, index: number, value: string | null, type: string): void {
  if (value === null) prepared.bindNull(index);
  else if (type === 'FIXED') prepared.bindBigInt(index, BigInt(value));
  else if (type === 'REAL') prepared.bindDouble(index, Number(value));
  else if (type === 'BOOLEAN') prepared.bindBoolean(index, value === 'true' || value === '1');
  else prepared.bindVarchar(index, value);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
}
