import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Principal, SignInProgress } from '../../../preload/contract.js';
import { CallError } from '../../ipc/callError.js';
import type { Logger } from '../../log/logger.js';
import { SealedJsonFile } from '../../security/sealedFile.js';
import type { SecretSealer } from '../../security/secretSealer.js';
import type { Clock } from '../../session/clock.js';
import type { PrincipalService } from '../../session/principalService.js';
import { openLoopbackRedirect, CALLBACK_PATH } from './loopbackRedirect.js';
import { DeviceFlowError, isAuthFailure, isNetworkFailure, ReauthRequiredError, SsoOfflineError } from './ssoErrors.js';
import type { AccountWithRoles } from './ssoPortal.js';
import { ServerClock } from './serverClock.js';
import {
  ClientCacheSchema,
  SessionFileSchema,
  type RegisteredClient,
  type RoleCredentials,
  type RoleSelection,
  type SessionFile,
  type SsoToken,
} from './ssoState.js';

/** Credentials and tokens are renewed this long before they run out. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface IdentityCenterConfig {
  startUrl: string | null;
  region: string;
  accountId: string | null;
  roleName: string | null;
  /** True where policy fixes the account or role: the person cannot pick another. */
  accountLocked: boolean;
  roleLocked: boolean;
}

export interface IdentityCenterDeps {
  sealer: SecretSealer;
  /** Folder for the sealed files (userData/identity-center). */
  dir: string;
  config: () => IdentityCenterConfig;
  /** Builds a client from the class the session loaded (through the AWS client factory). */
  oidc: (Client: typeof SSOOIDCClient) => SSOOIDCClient;
  portal: (Client: typeof SSOClient) => SSOClient;
  principal: PrincipalService;
  clock: Clock;
  log: Logger;
  /** Opens the authorize URL in the system browser (Electron's shell.openExternal). */
  openExternal?: (url: string) => Promise<void>;
  onProgress?: (progress: SignInProgress) => void;
}

const IDLE: SignInProgress = {
  state: 'idle',
  flow: null,
  userCode: null,
  verificationUri: null,
  verificationUriComplete: null,
  expiresAt: null,
  message: null,
};

/**
 * Sign-in with AWS IAM Identity Center, and the role credentials every AWS client of the station
 * uses. Tokens and credentials live in main's memory and in sealed files; the renderer sees
 * `SignInProgress` (the user code to type, never the device code or a token) and `session.status`.
 */
export class IdentityCenterSession {
  private readonly sessionFile: SealedJsonFile<typeof SessionFileSchema>;
  private readonly clientFile: SealedJsonFile<typeof ClientCacheSchema>;
  private readonly serverClock: ServerClock;
  private state: SessionFile = { token: null, role: null, credentials: null };
  private progressValue: SignInProgress = IDLE;
  private attempt: AbortController | null = null;
  private refreshing: Promise<RoleCredentials> | null = null;
  private restored: Promise<void> | null = null;
  private portalClient: SSOClient | null = null;
  private sdkModule: Promise<typeof import('./ssoSdk.js')> | null = null;

  constructor(private readonly deps: IdentityCenterDeps) {
    const damaged = (name: string) => (error: Error) => deps.log.warn('sso.sealed_file_unreadable', { file: name, error });
    this.sessionFile = new SealedJsonFile(deps.sealer, join(deps.dir, 'session.sealed'), SessionFileSchema, damaged('session'));
    this.clientFile = new SealedJsonFile(deps.sealer, join(deps.dir, 'clients.sealed'), ClientCacheSchema, damaged('clients'));
    this.serverClock = new ServerClock(deps.clock);
  }

  /** Reads the sealed session of the last launch; signs the principal in when it is still usable. */
  restore(): Promise<void> {
    this.restored ??= (async () => {
      const saved = await this.sessionFile.read();
      if (!saved) return;
      this.state = saved;
      if (saved.token && saved.role && this.tokenUsable(saved.token)) this.announce();
      else if (saved.role) this.setProgress({ ...IDLE, state: 'reauth-required', message: 'Your Identity Center session ended; sign in again.' });
    })();
    return this.restored;
  }

  progress(): SignInProgress {
    return this.progressValue;
  }

  /** Starts a sign-in. Device flow: returns the code to type. Browser flow: the URL it opened. */
  async startSignIn(flow: 'device' | 'browser'): Promise<SignInProgress> {
    await this.restore();
    const config = this.deps.config();
    if (!config.startUrl) throw new CallError('unavailable', 'No Identity Center start URL is configured (setting aws.sso.startUrl)');
    this.attempt?.abort();
    const attempt = new AbortController();
    this.attempt = attempt;
    const target = { region: config.region, startUrl: config.startUrl };
    try {
      if (flow === 'device') {
        const registered = await this.registration('device', target);
        const device = await (await this.sdk()).startDeviceAuthorization(await this.oidc(), registered, this.deps.clock);
        this.setProgress({
          state: 'pending',
          flow,
          userCode: device.userCode,
          verificationUri: device.verificationUri,
          verificationUriComplete: device.verificationUriComplete,
          expiresAt: new Date(device.expiresAt).toISOString(),
          message: null,
        });
        void this.finish(
          attempt,
          (await this.sdk()).pollDeviceToken(await this.oidc(), registered, device, this.deps.clock, attempt.signal, (error) =>
            this.deps.log.warn('sso.poll_network_error', { error }),
          ),
        );
      } else {
        const state = randomBytes(24).toString('base64url');
        const loopback = await openLoopbackRedirect(state, attempt.signal);
        const registered = await this.registration('browser', target);
        const { verifier, challenge } = (await this.sdk()).pkcePair();
        const endpoint = this.authorizationEndpoint(registered, config.region);
        const url = (await this.sdk()).authorizeUrl(endpoint, { ...registered, redirectUri: loopback.redirectUri }, challenge, state);
        this.setProgress({ ...IDLE, state: 'pending', flow, verificationUri: url, expiresAt: new Date(this.deps.clock.now() + 600_000).toISOString() });
        const token = loopback.code.then(async (code) =>
          (await this.sdk()).exchangeCode(await this.oidc(), { ...registered, redirectUri: loopback.redirectUri }, code, verifier, this.deps.clock),
        );
        void this.finish(attempt, token.finally(() => loopback.close()));
        await this.deps.openExternal?.(url);
      }
    } catch (error) {
      // Stops a loopback listener that was already open.
      attempt.abort();
      if (this.attempt === attempt) this.attempt = null;
      if (error instanceof CallError) throw error;
      this.deps.log.warn('sso.sign_in_start_failed', { error: error as Error });
      this.setProgress({ ...IDLE, state: 'failed', flow, message: isNetworkFailure(error) ? 'Identity Center cannot be reached: check the network.' : 'Identity Center refused to start the sign-in.' });
    }
    return this.progressValue;
  }

  cancelSignIn(): SignInProgress {
    this.attempt?.abort();
    this.attempt = null;
    if (this.progressValue.state === 'pending') this.setProgress(IDLE);
    return this.progressValue;
  }

  /** Accounts and roles the signed-in person may use, narrowed to what policy allows. */
  async accounts(): Promise<AccountWithRoles[]> {
    const token = await this.validToken();
    const config = this.deps.config();
    try {
      const all = await (await this.sdk()).listAccountsWithRoles(await this.portal(), token.accessToken);
      return all
        .filter((a) => !config.accountLocked || a.accountId === config.accountId)
        .map((a) => ({ ...a, roles: a.roles.filter((r) => !config.roleLocked || r === config.roleName) }));
    } catch (error) {
      throw await this.translate(error);
    }
  }

  /** Picks the account and role whose credentials the station will use; fetches them at once. */
  async selectRole(accountId: string, roleName: string, accountName: string | null = null): Promise<void> {
    const config = this.deps.config();
    if (config.accountLocked && accountId !== config.accountId) throw new CallError('forbidden', 'Your organisation fixes the AWS account');
    if (config.roleLocked && roleName !== config.roleName) throw new CallError('forbidden', 'Your organisation fixes the role');
    const token = await this.validToken();
    let credentials: RoleCredentials;
    try {
      credentials = await (await this.sdk()).getRoleCredentials(await this.portal(), token.accessToken, accountId, roleName, this.serverClock);
    } catch (error) {
      throw await this.translate(error);
    }
    await this.save({ token: this.state.token, role: { accountId, roleName, accountName }, credentials });
    this.announce();
    this.setProgress({ ...IDLE, state: 'signed-in' });
    this.deps.log.info('sso.role_selected', { account: accountId, role: roleName });
  }

  /**
   * The credential provider for the AWS client factory: cached role credentials until five minutes
   * before they expire, then fresh ones (refreshing the access token first when it is close to
   * expiry). Fails with ReauthRequiredError when the session is gone, SsoOfflineError when the
   * network is and the old credentials have run out.
   */
  readonly credentials = async (): Promise<AwsCredentialIdentity> => {
    await this.restore();
    const current = this.state.credentials;
    if (current && current.expiresAt - this.deps.clock.now() > REFRESH_MARGIN_MS) return identity(current);
    this.refreshing ??= this.refreshCredentials().finally(() => {
      this.refreshing = null;
    });
    return identity(await this.refreshing);
  };

  /**
   * An AWS service refused the current credentials as expired or invalid (ExpiredToken, a clock the
   * service disagrees with): forget them, so the next call fetches fresh ones. Queued work retries.
   */
  invalidateCredentials(): void {
    if (this.state.credentials) this.state = { ...this.state, credentials: null };
  }

  /** Signs out: forgets tokens, role and credentials (memory and disk). Unsent work is not ours to touch. */
  async signOut(): Promise<void> {
    this.attempt?.abort();
    this.attempt = null;
    const token = this.state.token;
    this.state = { token: null, role: null, credentials: null };
    // Ends the portal session too, when reachable; signing out never waits on the network to succeed.
    if (token && token.expiresAt > this.deps.clock.now()) {
      const sdk = await this.sdk();
      await (await this.portal())
        .send(new sdk.LogoutCommand({ accessToken: token.accessToken }), { abortSignal: AbortSignal.timeout(3_000) })
        .catch((error: unknown) => this.deps.log.warn('sso.logout_failed', { error: error as Error }));
    }
    await this.sessionFile.wipe();
    this.deps.principal.signOut();
    this.setProgress(IDLE);
    this.deps.log.info('sso.signed_out');
  }

  get clockSkewMs(): number {
    return this.serverClock.skewMs;
  }

  private async refreshCredentials(): Promise<RoleCredentials> {
    const { role, credentials: current } = this.state;
    if (!role || !this.state.token) throw new ReauthRequiredError('Sign in with Identity Center to continue');
    try {
      const token = await this.validToken();
      const fresh = await (await this.sdk()).getRoleCredentials(await this.portal(), token.accessToken, role.accountId, role.roleName, this.serverClock);
      await this.save({ ...this.state, credentials: fresh });
      return fresh;
    } catch (error) {
      if (error instanceof ReauthRequiredError) throw error;
      if (isAuthFailure(error)) {
        await this.requireReauth('role credentials refused');
        throw new ReauthRequiredError('Your Identity Center session ended; sign in again');
      }
      if (isNetworkFailure(error)) {
        if (current && current.expiresAt > this.deps.clock.now()) {
          this.deps.log.warn('sso.refresh_offline_using_current', { error: error as Error });
          return current;
        }
        throw new SsoOfflineError('AWS cannot be reached and the current credentials have expired');
      }
      throw error;
    }
  }

  /** The access token, refreshed with the refresh token when it is within the margin of expiry. */
  private async validToken(): Promise<SsoToken> {
    await this.restore();
    const token = this.state.token;
    if (!token) throw new ReauthRequiredError('Sign in with Identity Center to continue');
    if (token.expiresAt - this.deps.clock.now() > REFRESH_MARGIN_MS) return token;
    const registered = (await this.cachedClients()).find((c) => c.clientId === token.clientId);
    if (!token.refreshToken || !registered || registered.expiresAt <= this.deps.clock.now()) {
      if (token.expiresAt > this.deps.clock.now()) return token;
      await this.requireReauth('access token expired without a usable refresh token');
      throw new ReauthRequiredError('Your Identity Center session ended; sign in again');
    }
    try {
      const next = await (await this.sdk()).refreshToken(await this.oidc(), registered, token, this.deps.clock);
      await this.save({ ...this.state, token: next });
      if (this.state.role) this.announce();
      this.deps.log.info('sso.token_refreshed');
      return next;
    } catch (error) {
      if (isAuthFailure(error)) {
        await this.requireReauth('refresh token refused');
        throw new ReauthRequiredError('Your Identity Center session ended; sign in again');
      }
      // Offline with a token that still works: use it and try again next time.
      if (isNetworkFailure(error) && token.expiresAt > this.deps.clock.now()) return token;
      throw error;
    }
  }

  private async finish(attempt: AbortController, tokenPromise: Promise<SsoToken>): Promise<void> {
    let token: SsoToken;
    try {
      token = await tokenPromise;
    } catch (error) {
      if (this.attempt !== attempt) return;
      const message = error instanceof DeviceFlowError ? error.message : 'The sign-in did not complete.';
      if (!(error instanceof DeviceFlowError && error.reason === 'aborted')) this.deps.log.warn('sso.sign_in_failed', { error: error as Error });
      this.setProgress({ ...IDLE, state: attempt.signal.aborted ? 'idle' : 'failed', message: attempt.signal.aborted ? null : message });
      return;
    }
    if (this.attempt !== attempt) return;
    this.attempt = null;
    await this.save({ token, role: this.state.role, credentials: null });
    this.deps.log.info('sso.token_issued', { flow: token.flow });
    try {
      const config = this.deps.config();
      // Re-authentication, or a role fixed by policy or chosen before: go straight back to work.
      const known = config.accountId && config.roleName ? { accountId: config.accountId, roleName: config.roleName, accountName: null } : this.state.role;
      if (known) return await this.selectRole(known.accountId, known.roleName, known.accountName);
      const accounts = await this.accounts();
      const only = accounts.length === 1 && accounts[0]?.roles.length === 1 ? accounts[0] : null;
      if (only) return await this.selectRole(only.accountId, only.roles[0] as string, only.accountName);
      this.setProgress({ ...IDLE, state: 'choose-role', flow: token.flow });
    } catch (error) {
      this.deps.log.warn('sso.role_selection_failed', { error: error as Error });
      this.setProgress({ ...IDLE, state: 'choose-role', flow: token.flow, message: 'Choose the account and role to work with.' });
    }
  }

  private async requireReauth(reason: string): Promise<void> {
    // The role choice stays, so signing in again returns straight to work; tokens go.
    await this.save({ token: null, role: this.state.role, credentials: null });
    this.deps.principal.signOut();
    this.setProgress({ ...IDLE, state: 'reauth-required', message: 'Your Identity Center session ended; sign in again.' });
    this.deps.log.warn('sso.reauth_required', { reason });
  }

  private async translate(error: unknown): Promise<Error> {
    if (error instanceof ReauthRequiredError || error instanceof CallError) return error;
    if (isAuthFailure(error)) {
      await this.requireReauth('portal refused the token');
      return new CallError('forbidden', 'Your Identity Center session ended; sign in again');
    }
    if (isNetworkFailure(error)) return new CallError('unavailable', 'Identity Center cannot be reached: check the network');
    return error as Error;
  }

  private async registration(flow: 'device' | 'browser', target: { region: string; startUrl: string }): Promise<RegisteredClient> {
    const now = this.deps.clock.now();
    const cached = (await this.cachedClients()).filter((c) => c.expiresAt > now);
    const hit = cached.find((c) => c.flow === flow && c.region === target.region && c.startUrl === target.startUrl);
    if (hit) return hit;
    // Identity Center matches loopback redirects without the port (RFC 8252 §7.3).
    const redirect = flow === 'browser' ? `http://127.0.0.1${CALLBACK_PATH}` : null;
    const registered = await (await this.sdk()).registerClient(await this.oidc(), target, flow, this.deps.clock, redirect);
    await this.clientFile.write({ clients: [...cached.filter((c) => c.flow !== flow), registered].slice(-8) });
    this.deps.log.info('sso.client_registered', { flow });
    return registered;
  }

  private async cachedClients(): Promise<RegisteredClient[]> {
    return (await this.clientFile.read())?.clients ?? [];
  }

  private authorizationEndpoint(registered: RegisteredClient, region: string): string {
    return registered.authorizationEndpoint ?? `https://oidc.${region}.amazonaws.com/authorize`;
  }

  private sdk(): Promise<typeof import('./ssoSdk.js')> {
    this.sdkModule ??= import('./ssoSdk.js');
    return this.sdkModule;
  }

  private async oidc(): Promise<SSOOIDCClient> {
    return this.deps.oidc((await this.sdk()).SSOOIDCClient);
  }

  private async portal(): Promise<SSOClient> {
    if (!this.portalClient) {
      const client = this.deps.portal((await this.sdk()).SSOClient);
      this.portalClient ??= client;
      if (this.portalClient === client) this.serverClock.attach(client);
    }
    return this.portalClient;
  }

  private tokenUsable(token: SsoToken): boolean {
    return token.expiresAt > this.deps.clock.now() || token.refreshToken !== null;
  }

  private async save(next: SessionFile): Promise<void> {
    this.state = next;
    await this.sessionFile.write(next);
  }

  private announce(): void {
    const { token, role } = this.state;
    if (!token || !role) return;
    const principal: Principal = {
      id: `sso:${role.accountId}:${role.roleName}:${token.userName ?? 'user'}`,
      displayName: token.userName ?? `${role.roleName} (${role.accountName ?? role.accountId})`,
      kind: 'identity-center',
    };
    this.deps.principal.setSignedIn(principal, new Date(token.expiresAt));
  }

  private setProgress(progress: SignInProgress): void {
    this.progressValue = progress;
    this.deps.onProgress?.(progress);
  }
}

function identity(c: RoleCredentials): AwsCredentialIdentity {
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: new Date(c.expiresAt) };
}
