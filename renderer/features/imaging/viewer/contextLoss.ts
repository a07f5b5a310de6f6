import { Enums, eventTarget } from '@cornerstonejs/core';

/** What the viewer tells the user after it rebuilt itself on a lost WebGL context. */
export const CONTEXT_LOST_NOTICE =
  'The graphics context was lost (GPU reset or memory pressure); the viewer was restarted where you were. Measurements and slices are kept.';

/**
 * Calls `rebuild` when the WebGL context of the engine named by `engineId` is lost (cornerstone reports
 * it for each of its offscreen canvases). Rebuilding makes a new engine at once; when that fails (no GPU
 * yet), it is tried again when a context is restored. Returns the function that stops watching.
 */
export function watchContextLoss(engineId: () => string | undefined, rebuild: () => Promise<void>): () => void {
  let waitingForRestore = false;
  let rebuilding = false;
  const run = () => {
    if (rebuilding) return;
    rebuilding = true;
    waitingForRestore = false;
    rebuild()
      .catch(() => {
        waitingForRestore = true;
      })
      .finally(() => {
        rebuilding = false;
      });
  };
  const onLost = (event: Event) => {
    const detail = (event as CustomEvent<{ renderingEngineId?: string }>).detail;
    if (detail?.renderingEngineId !== undefined && detail.renderingEngineId === engineId()) run();
  };
  const onRestored = () => {
    if (waitingForRestore) run();
  };
  eventTarget.addEventListener(Enums.Events.WEBGL_CONTEXT_LOST, onLost);
  eventTarget.addEventListener(Enums.Events.WEBGL_CONTEXT_RESTORED, onRestored);
  return () => {
    eventTarget.removeEventListener(Enums.Events.WEBGL_CONTEXT_LOST, onLost);
    eventTarget.removeEventListener(Enums.Events.WEBGL_CONTEXT_RESTORED, onRestored);
  };
}
