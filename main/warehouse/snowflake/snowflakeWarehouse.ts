import snowflake from 'snowflake-sdk';
import { z } from 'zod';
import type { Logger } from '../../log/logger.js';
import { payloadBytes, PUSH_COLUMNS, WarehouseError, type OutboundMutation, type PullPage, type PushOutcome, type PushResult, type RawChange, type RejectionReason, type Warehouse } from '../warehouse.js';
import {
  ASSIGN_CLAIMS,
  CREATE_STAGING,
  DECIDE_ASSIGNED,
  DECIDE_REST,
  DECIDE_UNKNOWN,
  INSERT_STAGING,
  MERGE_AUDIT,
  MERGE_LEDGER,
  MERGE_VERIFICATIONS,
  pullSql,
  READ_OUTCOMES,
} from './pushSql.js';
import type { SealedCredentialManager } from './sealedCredentialManager.js';

/** How people and services sign in to Snowflake. */
export type SnowflakeAuth =
  /** Service use: key pair, the driver signs a JWT with the private key (PEM, PKCS#8). */
  | { readonly kind: 'keypair'; readonly privateKey: string; readonly passphrase?: string }
  /** People: OAuth authorization code with PKCE through the system browser. */
  | {
      readonly kind: 'oauth-code';
      readonly clientId: string;
      readonly clientSecret?: string;
      /** Snowflake's own OAuth endpoints at the account URL when unset (Snowflake as the authorization server). */
      readonly authorizationUrl?: string;
      readonly tokenRequestUrl?: string;
      readonly redirectUri?: string;
      readonly scope?: string;
    }
  /** People: the identity provider's SSO in the system browser; the ID token is cached (sealed). */
  | { readonly kind: 'external-browser' }
  /** An OAuth access token obtained elsewhere. */
  | { readonly kind: 'oauth-token'; readonly token: string };

export interface SnowflakeConfig {
  /** `https://<account>.snowflakecomputing.com`, or the stand-in's `http://127.0.0.1:PORT`. */
  readonly accessUrl?: string;
  readonly account: string;
  readonly username: string;
  readonly warehouse?: string;
  readonly role?: string;
  /** The session's defaults; the desktop's SQL names MEDICAL_CODING_ML tables in full either way. */
  readonly database?: string;
  /** Where the session's temporary staging table is created (STAGING). */
  readonly schema?: string;
  readonly auth: SnowflakeAuth;
  /** Opens a URL in the system browser (browser-based sign-in). */
  readonly openBrowser?: (url: string) => void;
  /** Driver retry pacing in seconds (tests shorten it). */
  readonly retry?: { readonly startingSleepSeconds: number; readonly maxSleepSeconds: number; readonly maxRetries: number };
  /** Rows per push; kept under the driver's array-binding threshold. */
  readonly maxBatch?: number;
}

export interface DriverSetup {
  readonly logFile: string;
  readonly logLevel: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE' | 'OFF';
  readonly credentials: SealedCredentialManager;
}

/**
 * Rows×columns the driver binds inline; above it the driver switches to a stage upload (PUT), which a
 * desktop role must not need. Set explicitly so the server's parameter cannot move it under us.
 */
export const ARRAY_BINDING_THRESHOLD = 65_280;
/** The largest batch that stays inline: rows × PUSH_COLUMNS ≤ threshold. */
export const MAX_INLINE_ROWS = Math.floor(ARRAY_BINDING_THRESHOLD / PUSH_COLUMNS);

let configured: DriverSetup | undefined;

/** Process-wide driver settings: our log file and level, the sealed token cache. */
export function configureDriver(setup: DriverSetup): void {
  if (configured && configured.logFile === setup.logFile && configured.logLevel === setup.logLevel && configured.credentials === setup.credentials) return;
  snowflake.configure({
    logLevel: setup.logLevel,
    logFilePath: setup.logFile,
    additionalLogToConsole: false,
    // The driver wants read/write/remove as own properties, not inherited methods.
    customCredentialManager: {
      read: (key: string) => setup.credentials.read(key),
      write: (key: string, token: string) => setup.credentials.write(key, token),
      remove: (key: string) => setup.credentials.remove(key),
    },
    keepAlive: true,
  });
  configured = setup;
}

const OutcomeRow = z.object({ CLIENT_MUTATION_ID: z.string().nullable(), OUTCOME: z.enum(['accepted', 'rejected', 'pending']), REASON: z.string().nullable(), N: z.number().int() });
const ChangeRow = z.object({
  SEQ: z.number().int(),
  ENTITY: z.unknown(),
  ENTITY_ID: z.unknown(),
  ENTITY_VERSION: z.unknown(),
  OP: z.unknown(),
  PAYLOAD: z.unknown(),
  CHANGED_AT_MS: z.unknown(),
});
const REASONS = new Set<string>(['claimed_by_other', 'encounter_voided', 'unknown_encounter', 'not_assigned', 'invalid']);

type Bind = string | number | null;
/** Retry pacing the driver reads from its connection options but leaves out of its type declarations. */
type DriverOptions = snowflake.ConnectionOptions & { sfRetryStartingSleepTime?: number; sfRetryMaxSleepTime?: number; sfRetryMaxNumRetries?: number };

export class SnowflakeWarehouse implements Warehouse {
  readonly kind = 'snowflake';
  readonly maxBatch: number;
  private connection: snowflake.Connection | undefined;
  private connecting: Promise<snowflake.Connection> | undefined;

  constructor(
    private readonly config: SnowflakeConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.maxBatch = Math.min(config.maxBatch ?? MAX_INLINE_ROWS, MAX_INLINE_ROWS);
  }

  async open(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.connecting = undefined;
    if (connection?.isUp()) await new Promise<void>((resolve) => connection.destroy(() => resolve()));
  }

  async push(batch: readonly OutboundMutation[]): Promise<PushResult> {
    if (batch.length === 0) return { outcomes: [], bytes: 0 };
    if (batch.length > this.maxBatch) throw new WarehouseError(`batch of ${batch.length} is over ${this.maxBatch}`, 'rejected', 'batch_too_large');
    const now = this.now();
    const rows: Bind[][] = batch.map((m) => [m.clientMutationId, m.clientSeq, m.kind, m.coder, m.encounterId, m.payload]);
    await this.run(CREATE_STAGING);
    await this.run(INSERT_STAGING, rows);
    await this.run(MERGE_LEDGER, [now]);
    if (batch.some((m) => m.kind === 'audit')) await this.run(MERGE_AUDIT, [now]);
    if (batch.some((m) => m.kind === 'image_verification')) await this.run(MERGE_VERIFICATIONS, [now]);
    if (batch.some((m) => m.kind === 'claim')) {
      await this.run(ASSIGN_CLAIMS, [now]);
      await this.run(DECIDE_ASSIGNED);
      await this.run(DECIDE_UNKNOWN);
      await this.run(DECIDE_REST);
    }
    const others = new Map<string, PushOutcome>();
    let accepted = 0;
    let pending = 0;
    for (const raw of await this.run(READ_OUTCOMES)) {
      const row = OutcomeRow.parse(raw);
      if (row.OUTCOME === 'accepted') accepted += row.N;
      else if (row.OUTCOME === 'pending' || row.CLIENT_MUTATION_ID === null) pending += row.N;
      else others.set(row.CLIENT_MUTATION_ID, { clientMutationId: row.CLIENT_MUTATION_ID, status: 'rejected', reason: (REASONS.has(row.REASON ?? '') ? row.REASON : 'invalid') as RejectionReason });
    }
    if (pending > 0 || accepted + others.size !== new Set(batch.map((m) => m.clientMutationId)).size) {
      // The staging rows were lost between statements (a new session): nothing is decided; push again.
      throw new WarehouseError('push outcomes incomplete; the batch will be sent again', 'transient', 'outcomes_incomplete');
    }
    const outcomes = batch.map((m): PushOutcome => others.get(m.clientMutationId) ?? { clientMutationId: m.clientMutationId, status: 'accepted' });
    return { outcomes, bytes: payloadBytes(batch) };
  }

  async pull(cursor: number, limit: number): Promise<PullPage> {
    const rows = await this.run(pullSql(limit), [cursor]);
    let bytes = 0;
    const changes: RawChange[] = rows.map((raw) => {
      const r = ChangeRow.parse(raw);
      if (typeof r.PAYLOAD === 'string') bytes += Buffer.byteLength(r.PAYLOAD);
      return { seq: r.SEQ, entity: r.ENTITY, entityId: r.ENTITY_ID, entityVersion: r.ENTITY_VERSION, op: r.OP, payload: r.PAYLOAD, changedAtMs: r.CHANGED_AT_MS };
    });
    return { changes, nextCursor: changes.at(-1)?.seq ?? cursor, hasMore: rows.length === limit, bytes };
  }

  /** Runs one statement, reconnecting first when the session is gone. */
  async run(sqlText: string, binds?: Bind[] | Bind[][]): Promise<Record<string, unknown>[]> {
    const connection = await this.connect();
    try {
      return await new Promise<Record<string, unknown>[]>((resolve, reject) => {
        connection.execute({
          sqlText,
          ...(binds ? { binds: binds as snowflake.Binds } : {}),
          complete: (error, _statement, rows) => (error ? reject(error) : resolve((rows ?? []) as Record<string, unknown>[])),
        });
      });
    } catch (error) {
      const classified = classify(error, sqlText);
      if (!connection.isUp() || classified.kind !== 'rejected') this.forget(connection);
      this.log.warn('warehouse.snowflake.statement_failed', { code: classified.code, kind: classified.kind, error: classified });
      throw classified;
    }
  }

  private forget(connection: snowflake.Connection): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    if (connection.isUp()) connection.destroy(() => undefined);
  }

  private connect(): Promise<snowflake.Connection> {
    if (this.connection?.isUp()) return Promise.resolve(this.connection);
    this.connecting ??= this.createConnection().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async createConnection(): Promise<snowflake.Connection> {
    const c = this.config;
    const retry = c.retry ?? { startingSleepSeconds: 1, maxSleepSeconds: 16, maxRetries: 7 };
    const options: DriverOptions = {
      account: c.account,
      username: c.username,
      database: c.database ?? 'MEDICAL_CODING_ML',
      schema: c.schema ?? 'STAGING',
      ...(c.accessUrl ? { accessUrl: c.accessUrl } : {}),
      ...(c.warehouse ? { warehouse: c.warehouse } : {}),
      ...(c.role ? { role: c.role } : {}),
      application: 'Atrium',
      clientSessionKeepAlive: true,
      clientSessionKeepAliveHeartbeatFrequency: 900,
      arrayBindingThreshold: ARRAY_BINDING_THRESHOLD,
      sfRetryStartingSleepTime: retry.startingSleepSeconds,
      sfRetryMaxSleepTime: retry.maxSleepSeconds,
      sfRetryMaxNumRetries: retry.maxRetries,
      ...authOptions(c),
    };
    const connection = snowflake.createConnection(options);
    const browser = c.auth.kind === 'oauth-code' || c.auth.kind === 'external-browser';
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (error: unknown) => (error ? reject(error as Error) : resolve());
        if (browser) void connection.connectAsync(done);
        else connection.connect(done);
      });
    } catch (error) {
      throw classify(error, 'login');
    }
    this.connection = connection;
    this.log.info('warehouse.snowflake.connected', { auth: c.auth.kind });
    return connection;
  }
}

function authOptions(c: SnowflakeConfig): Partial<snowflake.ConnectionOptions> {
  const a = c.auth;
  switch (a.kind) {
    case 'keypair':
      return { authenticator: 'SNOWFLAKE_JWT', privateKey: a.privateKey, ...(a.passphrase ? { privateKeyPass: a.passphrase } : {}) };
    case 'oauth-token':
      return { authenticator: 'OAUTH', token: a.token };
    case 'external-browser':
      return { authenticator: 'EXTERNALBROWSER', clientStoreTemporaryCredential: true, ...(c.openBrowser ? { openExternalBrowserCallback: c.openBrowser } : {}) };
    case 'oauth-code':
      return {
        authenticator: 'OAUTH_AUTHORIZATION_CODE',
        oauthClientId: a.clientId,
        ...(a.clientSecret ? { oauthClientSecret: a.clientSecret } : {}),
        ...(a.authorizationUrl ? { oauthAuthorizationUrl: a.authorizationUrl } : {}),
        ...(a.tokenRequestUrl ? { oauthTokenRequestUrl: a.tokenRequestUrl } : {}),
        ...(a.redirectUri ? { oauthRedirectUri: a.redirectUri } : {}),
        ...(a.scope ? { oauthScope: a.scope } : {}),
        clientStoreTemporaryCredential: true,
        ...(c.openBrowser ? { openExternalBrowserCallback: c.openBrowser } : {}),
      };
  }
}

const DriverError = z.object({
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  name: z.string().optional(),
  response: z.object({ statusCode: z.number().optional() }).passthrough().optional(),
});

/** Maps a driver error to what the sync engine should do about it. */
export function classify(error: unknown, sqlText: string): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const parsed = DriverError.safeParse(error);
  const e = parsed.success ? parsed.data : {};
  const code = e.code === undefined ? null : String(e.code);
  const message = (e.message ?? String(error)).slice(0, 500);
  const status = e.response?.statusCode;
  if (status !== undefined) {
    if (status >= 500 || status === 408 || status === 429) return new WarehouseError(message, 'transient', code);
    if (status === 401 || status === 403) return new WarehouseError(message, 'auth', code);
    return new WarehouseError(message, 'rejected', code);
  }
  // 390112 session expired, 390114 master token expired, 390104 invalid token, 390111 session gone:
  // the session is lost, not the data; reconnect.
  if (code && /^3901(0[4-9]|1[0-9])$/.test(code) && code !== '390100' && code !== '390144') return new WarehouseError(message, 'transient', code);
  if (code === '390100' || code === '390144' || code === '390318' || code === '390303') return new WarehouseError(message, 'auth', code);
  // Network failures (the driver's 401xxx/402xxx client codes) and lost bodies.
  if (e.name === 'NetworkError' || e.name === 'RequestFailedError' || e.name === 'UnexpectedContentError' || (code && /^40[12]\d{3}$/.test(code))) {
    return new WarehouseError(message, 'transient', code);
  }
  // The staging table lives only as long as the session; a new session runs the push from the start.
  if (/PUSH_BATCH/i.test(`${message} ${sqlText}`) && /does not exist|not found/i.test(message)) return new WarehouseError(message, 'transient', code);
  if (sqlText === 'login') return new WarehouseError(message, 'auth', code);
  return new WarehouseError(message, 'rejected', code);
}
