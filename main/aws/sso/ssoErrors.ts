/**
 * Errors the credential provider raises. Feature code (the sync queue, the imaging loader) checks for
 * them by name and keeps its queued work: neither means the work was wrong, only that it must wait.
 */

/** The Identity Center session is gone (expired, revoked, signed out): someone must sign in again. */
export class ReauthRequiredError extends Error {
  override readonly name = 'ReauthRequiredError';
}

/** The network failed while fresh credentials were needed and the old ones had run out. */
export class SsoOfflineError extends Error {
  override readonly name = 'SsoOfflineError';
}

export function isReauthRequired(error: unknown): error is ReauthRequiredError {
  return error instanceof Error && error.name === 'ReauthRequiredError';
}

export function isSsoOffline(error: unknown): error is SsoOfflineError {
  return error instanceof Error && error.name === 'SsoOfflineError';
}

const AUTH_FAILURES = new Set([
  'UnauthorizedException',
  'InvalidGrantException',
  'ExpiredTokenException',
  'InvalidClientException',
  'UnauthorizedClientException',
  'AccessDeniedException',
  'ForbiddenException',
]);

/** The service said the token, grant or client is no good: retrying will not help, signing in will. */
export function isAuthFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (AUTH_FAILURES.has(error.name)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 401 || status === 403;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET']);

/** The request never got an answer: no network, a proxy down, a timeout. */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout' || error.name === 'NetworkError') return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isNetworkFailure(cause);
}

/** A device or browser sign-in that ended without a token. */
export class DeviceFlowError extends Error {
  override readonly name = 'DeviceFlowError';
  constructor(
    readonly reason: 'expired' | 'denied' | 'aborted' | 'failed',
    message: string,
  ) {
    super(message);
  }
}
