import { useCallback, useEffect, useRef, useState } from 'react';
import type { LockStatus } from '../../../preload/contract';
import { api } from '../../api';

/** Activity is reported at most this often; main decides when the station locks. */
const REPORT_EVERY_MS = 20_000;
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

/**
 * The idle lock as the renderer sees it. It reports input to main (throttled) and follows
 * `session.lock.changed`; it never decides to unlock by itself: only main's answer does.
 */
export function useIdleLock(): { status: LockStatus | null; known: boolean; update(status: LockStatus): void } {
  const [status, setStatus] = useState<LockStatus | null>(null);
  // False until main has answered once: until then the content stays hidden (a reload while locked).
  const [known, setKnown] = useState(false);
  const lastReport = useRef(0);
  const update = useCallback((next: LockStatus) => setStatus(next), []);

  useEffect(() => {
    let cancelled = false;
    api.call('session.lock.status').then(
      (s) => {
        if (!cancelled) setStatus(s);
      },
      () => undefined,
    ).finally(() => !cancelled && setKnown(true));
    const stop = api.on('session.lock.changed', (s) => setStatus(s));
    const onActivity = () => {
      const now = Date.now();
      if (now - lastReport.current < REPORT_EVERY_MS) return;
      lastReport.current = now;
      api.call('session.activity').then((s) => !cancelled && setStatus(s), () => undefined);
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true, capture: true });
    return () => {
      cancelled = true;
      stop();
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
    };
  }, []);
  return { status, known, update };
}
