import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, type SSOClient } from '@aws-sdk/client-sso';
import type { Clock } from '../../session/clock.js';
import type { RoleCredentials } from './ssoState.js';

export interface AccountWithRoles {
  accountId: string;
  accountName: string | null;
  roles: string[];
}

const MAX_PAGES = 50;

/** ListAccounts and ListAccountRoles, every page, for the account and role pickers. */
export async function listAccountsWithRoles(client: SSOClient, accessToken: string): Promise<AccountWithRoles[]> {
  const accounts: AccountWithRoles[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(new ListAccountsCommand({ accessToken, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const account of out.accountList ?? []) {
      if (account.accountId) accounts.push({ accountId: account.accountId, accountName: account.accountName ?? null, roles: [] });
    }
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  for (const account of accounts) account.roles = await listRoles(client, accessToken, account.accountId);
  return accounts;
}

async function listRoles(client: SSOClient, accessToken: string, accountId: string): Promise<string[]> {
  const roles: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(new ListAccountRolesCommand({ accessToken, accountId, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const role of out.roleList ?? []) if (role.roleName) roles.push(role.roleName);
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return roles.sort();
}

/**
 * Tracks how far the service's clock is from ours, from the `Date` header of every answer, so that
 * an absolute expiry the service sends (GetRoleCredentials) is read on our clock.
 */
export class ServerClock {
  private offsetMs = 0;
  constructor(private readonly clock: Clock) {}

  /** Adds a middleware to an SDK client that records the skew from each response. */
  attach(client: { middlewareStack: SSOClient['middlewareStack'] }): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
        const date = headers?.date ?? headers?.Date;
        if (date) this.observe(Date.parse(date));
        return result;
      },
      { step: 'deserialize', name: 'atriumServerClock', override: true },
    );
  }

  observe(serverMs: number): void {
    if (Number.isFinite(serverMs)) this.offsetMs = serverMs - this.clock.now();
  }

  /** Server time → local time. Offsets under two seconds are the Date header's own rounding. */
  toLocal(serverMs: number): number {
    return Math.abs(this.offsetMs) < 2_000 ? serverMs : serverMs - this.offsetMs;
  }

  get skewMs(): number {
    return this.offsetMs;
  }
}

export async function getRoleCredentials(
  client: SSOClient,
  accessToken: string,
  accountId: string,
  roleName: string,
  serverClock: ServerClock,
): Promise<RoleCredentials> {
  const out = await client.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
  const creds = out.roleCredentials;
  if (!creds?.accessKeyId || !creds.secretAccessKey || !creds.sessionToken || !creds.expiration) {
    throw new Error('GetRoleCredentials returned incomplete credentials');
  }
  return {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiresAt: serverClock.toLocal(creds.expiration),
  };
}
