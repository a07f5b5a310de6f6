import { useState, type FormEvent } from 'react';
import type { LockStatus } from '../../../preload/contract';
import { api, ApiError } from '../../api';

/**
 * Shown instead of the current view while the station is locked: the view (and any patient data in
 * it) is unmounted, not covered. The PIN goes to main, which checks it; nothing is kept here.
 */
export function LockScreen({ status, onChange }: { status: LockStatus; onChange(status: LockStatus): void }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choosing = !status.hasSecret;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChange(await (choosing ? api.call('session.lock.setSecret', { secret }) : api.call('session.unlock', { secret })));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Atrium could not check the PIN');
    } finally {
      setSecret('');
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="lock-title" data-testid="lock-screen" className="settings">
      <h1 id="lock-title">Atrium is locked</h1>
      <p className="muted">
        {choosing
          ? 'Choose a PIN or passphrase (at least 6 characters). You will use it to unlock this station.'
          : `Locked after ${status.idleLockMinutes} minutes without activity. Enter your PIN or passphrase to continue.`}
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="unlock-secret">{choosing ? 'New PIN or passphrase' : 'PIN or passphrase'}</label>{' '}
        <input
          id="unlock-secret"
          type="password"
          autoComplete="off"
          autoFocus
          minLength={6}
          maxLength={128}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          disabled={busy}
        />{' '}
        <button type="submit" disabled={busy || secret.length < 6}>
          {choosing ? 'Set and unlock' : 'Unlock'}
        </button>
      </form>
      {error && (
        <p role="alert" className="setting-error">
          {error}
        </p>
      )}
      {status.retryAfterSeconds > 0 && <p className="muted">Too many attempts: wait {status.retryAfterSeconds} s.</p>}
    </section>
  );
}
