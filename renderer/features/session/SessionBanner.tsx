import { useEffect, useState } from 'react';
import type { LockStatus, SignInProgress, SsoAccounts } from '../../../preload/contract';
import { api, ApiError } from '../../api';
import { useAppStore } from '../../app/store';

/**
 * Identity Center sign-in, above the current view: the device code to type (the verification page
 * opens on any device), the account and role picker, sign-out, and the prompt to choose an unlock
 * PIN after the first sign-in. Shown only where a start URL is configured.
 */
export function SessionBanner({ lock, onLockChange }: { lock: LockStatus | null; onLockChange(status: LockStatus): void }) {
  const startUrl = useAppStore((s) => s.settings?.values['aws.sso.startUrl'] ?? null);
  const session = useAppStore((s) => s.session);
  const [progress, setProgress] = useState<SignInProgress | null>(null);
  const [accounts, setAccounts] = useState<SsoAccounts['accounts'] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!startUrl) return;
    api.call('session.signIn.poll').then(setProgress, () => undefined);
    return api.on('session.signIn.changed', setProgress);
  }, [startUrl]);

  useEffect(() => {
    if (progress?.state !== 'choose-role') return setAccounts(null);
    api.call('session.accounts').then((a) => setAccounts(a.accounts), (e: Error) => setError(e.message));
  }, [progress?.state]);

  if (!startUrl) return null;
  const run = (work: Promise<unknown>) =>
    work.then(
      () => setError(null),
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Identity Center could not be reached'),
    );

  const signedIn = session?.signedIn === true && session.principal.kind === 'identity-center';
  return (
    <div className="notice" data-testid="session-banner">
      {signedIn ? (
        <span>
          Signed in as {session.principal.displayName}
          {session.expiresAt && <> until {new Date(session.expiresAt).toLocaleTimeString()}</>}.
          <button className="link" onClick={() => void run(api.call('session.signOut'))}>
            Sign out
          </button>
        </span>
      ) : progress?.state === 'pending' && progress.userCode ? (
        <span>
          Open <strong>{progress.verificationUri}</strong> and enter the code <strong data-testid="user-code">{progress.userCode}</strong>.
          <button className="link" onClick={() => void run(api.call('session.signIn.cancel'))}>
            Cancel
          </button>
        </span>
      ) : progress?.state === 'pending' ? (
        <span>
          Finish signing in in your browser{progress.verificationUri && <> (if it did not open: <strong data-testid="authorize-url">{progress.verificationUri}</strong>)</>}.
          <button className="link" onClick={() => void run(api.call('session.signIn.cancel'))}>
            Cancel
          </button>
        </span>
      ) : progress?.state === 'choose-role' ? (
        <span>
          Choose a role:{' '}
          {accounts?.flatMap((a) =>
            a.roles.map((role) => (
              <button key={`${a.accountId}/${role}`} className="link" onClick={() => void run(api.call('session.selectRole', { accountId: a.accountId, roleName: role, accountName: a.accountName }))}>
                {role} ({a.accountName ?? a.accountId})
              </button>
            )),
          ) ?? '…'}
        </span>
      ) : (
        <span>
          {progress?.state === 'reauth-required' ? 'Your AWS session ended; queued work waits until you sign in again.' : 'Not signed in to AWS.'}
          <button className="link" onClick={() => void run(api.call('session.signIn.start', { flow: 'device' }))}>
            Sign in with a code
          </button>
          <button className="link" onClick={() => void run(api.call('session.signIn.start', { flow: 'browser' }))}>
            Sign in with the browser
          </button>
        </span>
      )}
      {signedIn && lock && !lock.hasSecret && <PinPrompt onDone={onLockChange} />}
      {error && <span role="alert"> {error}</span>}
    </div>
  );
}

function PinPrompt({ onDone }: { onDone(status: LockStatus): void }) {
  const [secret, setSecret] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        api.call('session.lock.setSecret', { secret }).then(onDone, () => undefined);
        setSecret('');
      }}
    >
      <label htmlFor="first-pin">Choose an unlock PIN (6+ characters)</label>{' '}
      <input id="first-pin" type="password" autoComplete="off" minLength={6} maxLength={128} value={secret} onChange={(e) => setSecret(e.target.value)} />{' '}
      <button type="submit" disabled={secret.length < 6}>
        Set PIN
      </button>
    </form>
  );
}
