import { GetRoleCredentialsCommand, ListAccountRolesCommand, ListAccountsCommand, type SSOClient } from '@aws-sdk/client-sso';
import type { ServerClock } from './serverClock.js';
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
