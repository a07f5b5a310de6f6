import { useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from 'react';
import type { OpenedSeries } from '../../../../preload/contract';
import { MPR_VIEWS, MprSession, type MprState, type MprView as View } from './mprSession';
import { volumeRefusal } from './volumeBudget';

export interface MprViewProps {
  readonly series: OpenedSeries;
  /** The stack view's window when the reformats open, so the greys do not jump. */
  readonly initialVoi: { center: number; width: number } | null;
  readonly onSession: (session: MprSession | null) => void;
  readonly onState: (state: MprState) => void;
  readonly onError?: (problem: unknown) => void;
}

const TITLES: Record<View, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };

/** The three reformat viewports with their orientation markers, slice counters, HU readouts and the volume's progress. */
export function MprView({ series, initialVoi, onSession, onState, onError }: MprViewProps) {
  const axial = useRef<HTMLDivElement>(null);
  const sagittal = useRef<HTMLDivElement>(null);
  const coronal = useRef<HTMLDivElement>(null);
  const refs: Record<View, typeof axial> = { axial, sagittal, coronal };
  const session = useRef<MprSession | null>(null);
  const [state, setState] = useState<MprState | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // The window at opening only; later changes are the session's own.
  const [startVoi] = useState(initialVoi);
  const refused = useMemo(() => volumeRefusal(series), [series]);
  const callbacks = useRef({ onSession, onState, onError });
  callbacks.current = { onSession, onState, onError };

  useEffect(() => {
    const [a, s, c] = [axial.current, sagittal.current, coronal.current];
    if (refused || !a || !s || !c) return;
    const next = new MprSession({ axial: a, sagittal: s, coronal: c }, series, (changed) => {
      setState(changed);
      callbacks.current.onState(changed);
    }, startVoi);
    session.current = next;
    setState(next.state);
    callbacks.current.onState(next.state);
    callbacks.current.onSession(next);
    next.start().catch((error: unknown) => {
      setFailure(error instanceof Error ? error.message : String(error));
      callbacks.current.onError?.(error);
    });
    return () => {
      session.current = null;
      callbacks.current.onSession(null);
      next.dispose();
    };
  }, [series, startVoi, refused]);

  const hover = (view: View) => (event: ReactMouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    session.current?.hover(view, event.clientX - rect.left, event.clientY - rect.top);
  };

  const loaded = state?.framesLoaded ?? 0;
  const count = series.frameCount;
  const ready = state !== null && MPR_VIEWS.every((view) => state.views[view] !== null);
  // Where the three planes meet: x of the sagittal, y of the coronal, z of the axial.
  const planes = state ? [state.views.sagittal?.focalPoint[0], state.views.coronal?.focalPoint[1], state.views.axial?.focalPoint[2]] : [];
  const centre = planes.length === 3 && planes.every((v) => typeof v === 'number') ? (planes as number[]) : null;

  return (
    <div className="ct-mpr" data-testid="mpr" data-state={refused ? 'refused' : failure ? 'failed' : ready ? 'ready' : 'loading'} data-frames-loaded={loaded}>
      {refused ? (
        <p className="ct-mpr-refused" role="alert" data-testid="mpr-refused">
          {refused}
        </p>
      ) : (
        MPR_VIEWS.map((view) => {
          const v = state?.views[view] ?? null;
          return (
            <div key={view} className="ct-mpr-cell">
              <div
                ref={refs[view]}
                className="ct-viewport"
                data-testid={`mpr-${view}`}
                data-slice={v?.slice ?? ''}
                data-slice-count={v?.sliceCount ?? ''}
                data-focal-point={v ? JSON.stringify(v.focalPoint) : ''}
                data-mm-per-pixel={v ? JSON.stringify(v.mmPerPixel) : ''}
                data-readout={v?.readout ? JSON.stringify(v.readout) : ''}
                data-window={v?.voi ? JSON.stringify(v.voi) : ''}
                tabIndex={-1}
                role="img"
                aria-label={`${TITLES[view]} reformat${v ? `, slice ${v.slice + 1} of ${v.sliceCount}` : ''}`}
                onMouseMove={hover(view)}
                onContextMenu={(event) => event.preventDefault()}
              />
              <div className="ct-overlay ct-top-left" aria-hidden="true">
                <div>{TITLES[view]}</div>
                <div data-testid={`mpr-${view}-counter`}>{v ? `${v.slice + 1}/${v.sliceCount}` : '–'}</div>
              </div>
              <div className="ct-overlay ct-bottom-left" aria-hidden="true">
                {v?.readout ? `HU ${Math.round(v.readout.hu)}` : 'HU –'}
              </div>
              {v && (
                <>
                  <span className="ct-marker ct-marker-top" data-testid={`mpr-${view}-marker-top`}>{v.markers.top}</span>
                  <span className="ct-marker ct-marker-bottom" data-testid={`mpr-${view}-marker-bottom`}>{v.markers.bottom}</span>
                  <span className="ct-marker ct-marker-left" data-testid={`mpr-${view}-marker-left`}>{v.markers.left}</span>
                  <span className="ct-marker ct-marker-right" data-testid={`mpr-${view}-marker-right`}>{v.markers.right}</span>
                </>
              )}
            </div>
          );
        })
      )}
      {!refused && (
        <div className="ct-mpr-info" data-testid="mpr-info">
          {loaded < count && (
            <p className="ct-mpr-progress" role="status" data-testid="mpr-progress">
              Building the volume: {loaded}/{count} slices
            </p>
          )}
          <div>{state?.voi ? `W ${Math.round(state.voi.width)} L ${Math.round(state.voi.center)}` : 'W – L –'}{state?.invert ? ' · inverted' : ''}</div>
          {centre && <div>Crosshairs {centre.map((v) => v.toFixed(1)).join(', ')} mm</div>}
          {series.warnings.length > 0 && (
            <p className="ct-mpr-caveat" data-testid="mpr-caveat">
              ⚠ Reformats place the slices evenly (at their average spacing) and untilted, so with the warnings above, positions along the slice direction are approximate.
            </p>
          )}
          {failure && (
            <p className="ct-mpr-failure" role="alert" data-testid="mpr-error">
              The reformats could not be built: {failure}
            </p>
          )}
          <div className="muted small">Left drag: {state?.tool ?? 'crosshairs'} · wheel or arrows: slices of the view under the pointer · M: back to the stack</div>
        </div>
      )}
      {state?.notice && (
        <p className="ct-notice" role="alert" data-testid="mpr-notice">
          {state.notice}
        </p>
      )}
    </div>
  );
}
