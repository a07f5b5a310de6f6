/**
 * Everything of the Identity Center sign-in that loads the AWS SDK, in one module the session imports
 * on first use: the SSO clients cost a second or more of start-up on a slow machine, and most launches
 * restore a sealed session without calling AWS.
 */
export { LogoutCommand, SSOClient } from '@aws-sdk/client-sso';
export { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
export { authorizeUrl, exchangeCode, pkcePair, pollDeviceToken, refreshToken, registerClient, startDeviceAuthorization } from './ssoOidc.js';
export { getRoleCredentials, listAccountsWithRoles } from './ssoPortal.js';
