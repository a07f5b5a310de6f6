import { createHash, randomBytes } from 'node:crypto';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  StartDeviceAuthorizationCommand,
  type SSOOIDCClient,
} from '@aws-sdk/client-sso-oidc';
import type { Clock } from '../../session/clock.js';
import { DeviceFlowError } from './ssoErrors.js';
import type { RegisteredClient, SsoToken } from './ssoState.js';

export const SSO_SCOPES = ['sso:account:access'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.5: on slow_down the client adds five seconds to its polling interval. */
export const SLOW_DOWN_STEP_MS = 5_000;

export interface OidcTarget {
  region: string;
  startUrl: string;
}

/** RegisterClient: a public client for one flow; the caller caches it until `expiresAt`. */
export async function registerClient(
  client: SSOOIDCClient,
  target: OidcTarget,
  flow: 'device' | 'browser',
  clock: Clock,
  redirectUri: string | null = null,
): Promise<RegisteredClient> {
  const out = await client.send(
    new RegisterClientCommand({
      clientName: 'Atrium',
      clientType: 'public',
      scopes: SSO_SCOPES,
      ...(flow === 'browser'
        ? { grantTypes: ['authorization_code', 'refresh_token'], redirectUris: redirectUri ? [redirectUri] : [], issuerUrl: target.startUrl }
        : { grantTypes: [DEVICE_GRANT, 'refresh_token'] }),
    }),
  );
  if (!out.clientId || !out.clientSecret) throw new Error('RegisterClient returned no client');
  // clientSecretExpiresAt is in the service's seconds; keep an hour's margin for clock skew.
  const expiresAt = out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 - 3_600_000 : clock.now() + 24 * 3_600_000;
  return {
    flow,
    clientId: out.clientId,
    clientSecret: out.clientSecret,
    expiresAt,
    region: target.region,
    startUrl: target.startUrl,
    redirectUri,
    authorizationEndpoint: out.authorizationEndpoint ?? null,
  };
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  /** Local milliseconds. */
  expiresAt: number;
  intervalMs: number;
}

export async function startDeviceAuthorization(
  client: SSOOIDCClient,
  registered: RegisteredClient,
  clock: Clock,
): Promise<DeviceAuthorization> {
  const out = await client.send(
    new StartDeviceAuthorizationCommand({ clientId: registered.clientId, clientSecret: registered.clientSecret, startUrl: registered.startUrl }),
  );
  if (!out.deviceCode || !out.userCode || !out.verificationUri) throw new Error('StartDeviceAuthorization returned no code');
  return {
    deviceCode: out.deviceCode,
    userCode: out.userCode,
    verificationUri: out.verificationUri,
    verificationUriComplete: out.verificationUriComplete ?? null,
    expiresAt: clock.now() + (out.expiresIn ?? 600) * 1000,
    intervalMs: Math.max(1, out.interval ?? 5) * 1000,
  };
}

/**
 * Polls CreateToken until the person approves the code in their browser: `authorization_pending`
 * waits another interval, `slow_down` adds five seconds to it for the rest of the flow, a network
 * failure is retried until the code expires.
 */
export async function pollDeviceToken(
  client: SSOOIDCClient,
  registered: RegisteredClient,
  device: DeviceAuthorization,
  clock: Clock,
  signal: AbortSignal,
  onNetworkError: (error: Error) => void = () => undefined,
): Promise<SsoToken> {
  let interval = device.intervalMs;
  for (;;) {
    try {
      await clock.sleep(interval, signal);
    } catch {
      throw new DeviceFlowError('aborted', 'Sign-in was cancelled');
    }
    if (clock.now() >= device.expiresAt) throw new DeviceFlowError('expired', 'The sign-in code expired before it was approved');
    try {
      const out = await client.send(
        new CreateTokenCommand({ clientId: registered.clientId, clientSecret: registered.clientSecret, grantType: DEVICE_GRANT, deviceCode: device.deviceCode }),
        { abortSignal: signal },
      );
      return tokenFrom(out, registered, clock);
    } catch (error) {
      if (signal.aborted) throw new DeviceFlowError('aborted', 'Sign-in was cancelled');
      const name = (error as Error).name;
      if (name === 'AuthorizationPendingException') continue;
      if (name === 'SlowDownException') {
        interval += SLOW_DOWN_STEP_MS;
        continue;
      }
      if (name === 'ExpiredTokenException') throw new DeviceFlowError('expired', 'The sign-in code expired before it was approved');
      if (name === 'AccessDeniedException') throw new DeviceFlowError('denied', 'The sign-in was declined');
      if (isTransient(error)) {
        onNetworkError(error as Error);
        continue;
      }
      throw new DeviceFlowError('failed', `Identity Center refused the sign-in (${name})`);
    }
  }
}

function isTransient(error: unknown): boolean {
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode === undefined || meta.httpStatusCode >= 500;
}

/** Exchanges a refresh token; the service may rotate it, so the new one replaces the old. */
export async function refreshToken(client: SSOOIDCClient, registered: RegisteredClient, token: SsoToken, clock: Clock): Promise<SsoToken> {
  if (!token.refreshToken) throw Object.assign(new Error('No refresh token'), { name: 'ExpiredTokenException' });
  const out = await client.send(
    new CreateTokenCommand({ clientId: registered.clientId, clientSecret: registered.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken }),
  );
  const next = tokenFrom(out, registered, clock);
  return { ...next, refreshToken: next.refreshToken ?? token.refreshToken, userName: next.userName ?? token.userName };
}

/** PKCE (RFC 7636) verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(endpoint: string, registered: RegisteredClient, challenge: string, state: string): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', registered.clientId);
  url.searchParams.set('redirect_uri', registered.redirectUri ?? '');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('scopes', SSO_SCOPES.join(' '));
  return url.toString();
}

export async function exchangeCode(
  client: SSOOIDCClient,
  registered: RegisteredClient,
  code: string,
  verifier: string,
  clock: Clock,
): Promise<SsoToken> {
  const out = await client.send(
    new CreateTokenCommand({
      clientId: registered.clientId,
      clientSecret: registered.clientSecret,
      grantType: 'authorization_code',
      code,
      codeVerifier: verifier,
      redirectUri: registered.redirectUri ?? undefined,
    }),
  );
  return tokenFrom(out, registered, clock);
}

function tokenFrom(
  out: { accessToken?: string; refreshToken?: string; expiresIn?: number; idToken?: string },
  registered: RegisteredClient,
  clock: Clock,
): SsoToken {
  if (!out.accessToken) throw new Error('CreateToken returned no access token');
  return {
    flow: registered.flow,
    clientId: registered.clientId,
    accessToken: out.accessToken,
    refreshToken: out.refreshToken ?? null,
    // expiresIn is relative, so the local clock's skew does not matter here.
    expiresAt: clock.now() + (out.expiresIn ?? 3600) * 1000,
    region: registered.region,
    startUrl: registered.startUrl,
    userName: out.idToken ? nameFromIdToken(out.idToken) : null,
  };
}

/** A display name from an ID token's claims. Not verified: it labels the session, it authorises nothing. */
export function nameFromIdToken(idToken: string): string | null {
  const payload = idToken.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const key of ['preferred_username', 'email', 'name', 'sub']) {
      const value = claims[key];
      if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
    }
  } catch {
    return null;
  }
  return null;
}
