import { useEffect } from 'react';
import { useAppStore } from '../../app/store';

/** The coder's worklist. Until the store and worklist land, it says honestly that there is nothing to code. */
export function WorklistView() {
  const loaded = useAppStore((s) => s.summary !== null);
  useEffect(() => {
    // The start-up benchmark reads this mark: the moment a coder can act on the worklist.
    if (loaded && performance.getEntriesByName('atrium:interactive').length === 0) performance.mark('atrium:interactive');
  }, [loaded]);
  return (
    <section aria-labelledby="worklist-title" data-ready={loaded ? 'worklist' : undefined}>
      <h1 id="worklist-title">Worklist</h1>
      <p className="muted">{loaded ? 'No encounters on this station yet.' : 'Loading…'}</p>
    </section>
  );
}
