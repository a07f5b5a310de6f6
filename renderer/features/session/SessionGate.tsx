import type { ReactNode } from 'react';
import { LockScreen } from './LockScreen';
import { SessionBanner } from './SessionBanner';
import { useIdleLock } from './useIdleLock';

/**
 * Wraps the content area: while the station is locked its children (the current view, with any
 * patient data) are not rendered at all, and the lock screen takes their place.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { status, known, update } = useIdleLock();
  if (!known) return <p className="muted">Loading…</p>;
  if (status?.locked) return <LockScreen status={status} onChange={update} />;
  return (
    <>
      <SessionBanner lock={status} onLockChange={update} />
      {children}
    </>
  );
}
