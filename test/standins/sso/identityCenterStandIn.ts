/**
 * A local stand-in for AWS IAM Identity Center that speaks the wire protocols the real SDK clients
 * use (restJson1): SSO-OIDC (`POST /client/register`, `/device_authorization`, `/token`, plus the
 * browser's `GET /authorize`) and the SSO portal (`GET /assignment/accounts`, `/assignment/roles`,
 * `/federation/credentials`, `POST /logout`, bearer token in `x-amz-sso_bearer_token`). Errors carry
 * `x-amzn-errortype` and the JSON body the SDK deserializes (`error`/`error_description` for OIDC,
 * `message` for the portal). It also answers EventBridge `PutEvents` (awsJson1_1) so tests can see
 * which credentials signed a request.
 *
 * Every rule here follows the service's documented behaviour; tests script the rest (how many polls
 * stay pending, when to say slow_down, when tokens expire) and read the request log.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInAccount {
  accountId: string;
  accountName: string;
  roles: string[];
}

export interface StandInOptions {
  /** The stand-in's clock (ms); defaults to Date.now. */
  now?: () => number;
  /** How far the service's clock is ahead of `now` (ms), as seen in `Date` and expirations. */
  skewMs?: number;
  accounts?: StandInAccount[];
  accessTokenSeconds?: number;
  credentialSeconds?: number;
  /** Page size of ListAccounts/ListAccountRoles (small, to exercise pagination). */
  pageSize?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type DevicePoll = 'pending' | 'slow_down';

export class IdentityCenterStandIn {
  readonly requests: LoggedRequest[] = [];
  /** Times (stand-in clock) at which CreateToken was polled with a device code. */
  readonly pollTimes: number[] = [];
  /** Scripted answers to device-code polls before the person "approves"; then a token. */
  devicePolls: DevicePoll[] = [];
  /** Set false to make the person decline the device code. */
  approve = true;
  accounts: StandInAccount[];
  accessTokenSeconds: number;
  credentialSeconds: number;
  skewMs: number;
  /** Authorization headers of EventBridge PutEvents calls, and their entries. */
  readonly putEvents: { authorization: string; entries: unknown[] }[] = [];
  /** PutEvents signed with these access key ids is refused as ExpiredTokenException (revoked before their time). */
  readonly refusedAccessKeys = new Set<string>();
  /** Refused PutEvents calls, by why: tests see what the service turned away. */
  readonly refusedPutEvents: { authorization: string; reason: 'expired-token' | 'signature-expired' }[] = [];
  /** When set, PutEvents signed further than this from the service's clock is refused as SigV4 does (clock skew). */
  signatureSkewLimitMs: number | null = null;
  issuedCredentials = 0;
  /** Every secret value handed out (client secrets, device codes, tokens, keys): tests look for leaks. */
  readonly issued: string[] = [];

  private server: Server | null = null;
  private readonly clients = new Map<string, { secret: string; redirectUris: string[] }>();
  private readonly deviceCodes = new Map<string, { clientId: string; userCode: string; polls: number }>();
  private readonly authCodes = new Map<string, { clientId: string; challenge: string; redirectUri: string }>();
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly now: () => number;
  private readonly pageSize: number;

  constructor(options: StandInOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.skewMs = options.skewMs ?? 0;
    this.accounts = options.accounts ?? [{ accountId: '111122223333', accountName: 'Radiology', roles: ['Coder'] }];
    this.accessTokenSeconds = options.accessTokenSeconds ?? 3600;
    this.credentialSeconds = options.credentialSeconds ?? 3600;
    this.pageSize = options.pageSize ?? 1;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('Stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request, response).catch((error: unknown) => {
        json(response, 500, { error: 'server_error', error_description: String(error) }, 'InternalServerException', this.serverNow());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every access token dies (a revoked session, or the session's maximum length). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** Every refresh token dies: refreshing now fails with invalid_grant. */
  expireRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private serverNow(): number {
    return this.now() + this.skewMs;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    this.requests.push({ method: request.method ?? '', path: url.pathname, headers: request.headers, body });
    const now = this.serverNow();
    const oidcError = (status: number, type: string, error: string) => json(response, status, { error, error_description: `${error} (stand-in)` }, type, now);
    const portalError = (status: number, type: string, message: string) => json(response, status, { message }, type, now);

    if (request.method === 'POST' && url.pathname === '/' && typeof request.headers['x-amz-target'] === 'string') {
      const authorization = String(request.headers.authorization ?? '');
      const accessKey = /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';
      if (this.refusedAccessKeys.has(accessKey)) {
        this.refusedPutEvents.push({ authorization, reason: 'expired-token' });
        return json(response, 400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }, 'ExpiredTokenException', now, 'application/x-amz-json-1.1');
      }
      const signedAt = Date.parse(String(request.headers['x-amz-date'] ?? '').replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      if (this.signatureSkewLimitMs !== null && !(Math.abs(signedAt - now) <= this.signatureSkewLimitMs)) {
        this.refusedPutEvents.push({ authorization, reason: 'signature-expired' });
        const message = `Signature expired: ${String(request.headers['x-amz-date'])} is now earlier than the service's time window`;
        return json(response, 400, { __type: 'InvalidSignatureException', message }, 'InvalidSignatureException', now, 'application/x-amz-json-1.1');
      }
      const input = JSON.parse(body) as { Entries?: unknown[] };
      this.putEvents.push({ authorization, entries: input.Entries ?? [] });
      return json(response, 200, { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_e, i) => ({ EventId: `event-${i}` })) }, null, now, 'application/x-amz-json-1.1');
    }

    if (request.method === 'POST' && url.pathname === '/client/register') {
      const input = JSON.parse(body) as { clientName?: string; clientType?: string; redirectUris?: string[] };
      if (!input.clientName || input.clientType !== 'public') return oidcError(400, 'InvalidClientMetadataException', 'invalid_client_metadata');
      const clientId = `client-${randomBytes(8).toString('hex')}`;
      const secret = `secret-${randomBytes(16).toString('hex')}`;
      this.clients.set(clientId, { secret, redirectUris: input.redirectUris ?? [] });
      this.issued.push(secret);
      return json(response, 200, {
        clientId,
        clientSecret: secret,
        clientIdIssuedAt: Math.floor(now / 1000),
        clientSecretExpiresAt: Math.floor(now / 1000) + 90 * 86_400,
        authorizationEndpoint: `${this.url}/authorize`,
        tokenEndpoint: `${this.url}/token`,
      }, null, now);
    }

    if (request.method === 'POST' && url.pathname === '/device_authorization') {
      const input = JSON.parse(body) as { clientId?: string; clientSecret?: string; startUrl?: string };
      if (!this.clientValid(input.clientId, input.clientSecret)) return oidcError(401, 'InvalidClientException', 'invalid_client');
      if (!input.startUrl) return oidcError(400, 'InvalidRequestException', 'invalid_request');
      const deviceCode = `device-${randomBytes(16).toString('hex')}`;
      const userCode = `${randomBytes(2).toString('hex').toUpperCase()}-${randomBytes(2).toString('hex').toUpperCase()}`;
      this.deviceCodes.set(deviceCode, { clientId: input.clientId as string, userCode, polls: 0 });
      this.issued.push(deviceCode);
      return json(response, 200, {
        deviceCode,
        userCode,
        verificationUri: `${this.url}/device`,
        verificationUriComplete: `${this.url}/device?user_code=${userCode}`,
        expiresIn: 600,
        interval: 1,
      }, null, now);
    }

    if (request.method === 'GET' && url.pathname === '/authorize') {
      const clientId = url.searchParams.get('client_id') ?? '';
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const client = this.clients.get(clientId);
      const registered = client?.redirectUris.some((r) => sameLoopbackRedirect(r, redirectUri)) ?? false;
      if (!client || !registered || url.searchParams.get('code_challenge_method') !== 'S256') {
        response.writeHead(400, { 'Content-Type': 'text/plain' });
        return void response.end('invalid authorize request');
      }
      const code = `code-${randomBytes(12).toString('hex')}`;
      this.authCodes.set(code, { clientId, challenge: url.searchParams.get('code_challenge') ?? '', redirectUri });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { Location: target.toString() });
      return void response.end();
    }

    if (request.method === 'POST' && url.pathname === '/token') {
      const input = JSON.parse(body) as Record<string, string | undefined>;
      if (!this.clientValid(input.clientId, input.clientSecret)) return oidcError(401, 'InvalidClientException', 'invalid_client');
      if (input.grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
        const device = this.deviceCodes.get(input.deviceCode ?? '');
        if (!device || device.clientId !== input.clientId) return oidcError(400, 'InvalidGrantException', 'invalid_grant');
        this.pollTimes.push(this.now());
        const scripted = this.devicePolls[device.polls++];
        if (scripted === 'pending') return oidcError(400, 'AuthorizationPendingException', 'authorization_pending');
        if (scripted === 'slow_down') return oidcError(400, 'SlowDownException', 'slow_down');
        if (!this.approve) return oidcError(400, 'AccessDeniedException', 'access_denied');
        this.deviceCodes.delete(input.deviceCode ?? '');
        return json(response, 200, this.issueTokens(input.clientId as string), null, now);
      }
      if (input.grantType === 'authorization_code') {
        const grant = this.authCodes.get(input.code ?? '');
        this.authCodes.delete(input.code ?? '');
        const verifierOk = grant && input.codeVerifier && createHash('sha256').update(input.codeVerifier).digest('base64url') === grant.challenge;
        if (!grant || grant.clientId !== input.clientId || !verifierOk || grant.redirectUri !== input.redirectUri) {
          return oidcError(400, 'InvalidGrantException', 'invalid_grant');
        }
        return json(response, 200, this.issueTokens(input.clientId as string), null, now);
      }
      if (input.grantType === 'refresh_token') {
        const owner = this.refreshTokens.get(input.refreshToken ?? '');
        if (!owner || owner !== input.clientId) return oidcError(400, 'InvalidGrantException', 'invalid_grant');
        // Refresh tokens rotate: the old one is spent.
        this.refreshTokens.delete(input.refreshToken ?? '');
        return json(response, 200, this.issueTokens(input.clientId as string), null, now);
      }
      return oidcError(400, 'UnsupportedGrantTypeException', 'unsupported_grant_type');
    }

    if (url.pathname.startsWith('/assignment/') || url.pathname === '/federation/credentials' || url.pathname === '/logout') {
      const bearer = request.headers['x-amz-sso_bearer_token'];
      const expiry = typeof bearer === 'string' ? this.accessTokens.get(bearer) : undefined;
      if (expiry === undefined || expiry <= now) return portalError(401, 'UnauthorizedException', 'Session token not found or invalid');
      if (request.method === 'POST' && url.pathname === '/logout') {
        this.accessTokens.delete(bearer as string);
        return json(response, 200, {}, null, now);
      }
      if (request.method !== 'GET') return portalError(400, 'InvalidRequestException', 'Wrong method');
      const start = Number(url.searchParams.get('next_token') ?? '0');
      const page = <T>(items: T[], key: string) => {
        const slice = items.slice(start, start + this.pageSize);
        const next = start + this.pageSize < items.length ? String(start + this.pageSize) : undefined;
        return { [key]: slice, ...(next ? { nextToken: next } : {}) };
      };
      if (url.pathname === '/assignment/accounts') {
        return json(response, 200, page(this.accounts.map((a) => ({ accountId: a.accountId, accountName: a.accountName, emailAddress: 'aws@example.org' })), 'accountList'), null, now);
      }
      const account = this.accounts.find((a) => a.accountId === url.searchParams.get('account_id'));
      if (!account) return portalError(404, 'ResourceNotFoundException', 'No such account');
      if (url.pathname === '/assignment/roles') {
        return json(response, 200, page(account.roles.map((roleName) => ({ roleName, accountId: account.accountId })), 'roleList'), null, now);
      }
      if (url.pathname === '/federation/credentials') {
        if (!account.roles.includes(url.searchParams.get('role_name') ?? '')) return portalError(403, 'ForbiddenException', 'No access to this role');
        this.issuedCredentials += 1;
        const roleCredentials = {
          accessKeyId: `ASIASTANDIN${String(this.issuedCredentials).padStart(9, '0')}`,
          secretAccessKey: `standin-secret-${randomBytes(12).toString('hex')}`,
          sessionToken: `standin-session-${randomBytes(24).toString('hex')}`,
          expiration: now + this.credentialSeconds * 1000,
        };
        this.issued.push(roleCredentials.secretAccessKey, roleCredentials.sessionToken);
        return json(response, 200, { roleCredentials }, null, now);
      }
    }
    portalError(404, 'ResourceNotFoundException', `No route ${request.method} ${url.pathname}`);
  }

  private clientValid(clientId: string | undefined, secret: string | undefined): boolean {
    return clientId !== undefined && this.clients.get(clientId)?.secret === secret;
  }

  private issueTokens(clientId: string): Record<string, unknown> {
    const accessToken = `access-${randomBytes(16).toString('hex')}`;
    const refreshToken = `refresh-${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(accessToken, this.serverNow() + this.accessTokenSeconds * 1000);
    this.refreshTokens.set(refreshToken, clientId);
    this.issued.push(accessToken, refreshToken);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.accessTokenSeconds, refreshToken };
  }
}

/** RFC 8252 §7.3: a loopback redirect matches whatever the port. */
function sameLoopbackRedirect(registered: string, actual: string): boolean {
  try {
    const a = new URL(registered);
    const b = new URL(actual);
    return a.protocol === b.protocol && a.hostname === b.hostname && a.hostname === '127.0.0.1' && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

function json(response: ServerResponse, status: number, body: unknown, errorType: string | null, serverNow: number, contentType = 'application/json'): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    Date: new Date(serverNow).toUTCString(),
    'x-amzn-requestid': randomBytes(8).toString('hex'),
    ...(errorType ? { 'x-amzn-errortype': `${errorType}:` } : {}),
  });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
