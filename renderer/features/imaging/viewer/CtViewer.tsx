import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react';
import type { OpenedSeries } from '../../../../preload/contract';
import { StackSession, type ViewerState } from './stackSession';
import type { MprSession, MprState } from './mprSession';
import { MprView } from './MprView';
import { handleViewerKey, KEY_HELP } from './viewerKeys';
import { LEFT_TOOLS, MPR_LEFT_TOOLS, removeMeasurement } from './viewerTools';
import './CtViewer.css';

export interface CtViewerProps {
  readonly series: OpenedSeries;
  readonly onError?: (problem: unknown) => void;
}

let probedRenderer: string | null | undefined;

/**
 * The renderer string of this machine's WebGL2, or null when there is no WebGL2 (the viewer needs it).
 * Probed once per page, and the probe's context is released at once: Chromium keeps 16 WebGL contexts
 * per page, and the viewer's engines need theirs.
 */
function webgl2Renderer(): string | null {
  if (probedRenderer !== undefined) return probedRenderer;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return (probedRenderer = null);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  probedRenderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return probedRenderer;
}

function round(value: number): string {
  return String(Math.round(value));
}

function position(series: OpenedSeries, index: number): string {
  const p = series.positions[index];
  return p ? `${p.map((v) => v.toFixed(1)).join(', ')} mm` : 'unknown';
}

/**
 * The CT viewer: one stack viewport (cornerstone3D) with the series' overlays, warnings, window presets,
 * measurement tools and an HU readout. Everything works from the keyboard (`?` lists the keys).
 */
export function CtViewer({ series, onError }: CtViewerProps) {
  const element = useRef<HTMLDivElement>(null);
  const session = useRef<StackSession | null>(null);
  const [state, setState] = useState<ViewerState | null>(null);
  const [help, setHelp] = useState(false);
  const [renderer] = useState(webgl2Renderer);
  const [firstShown, setFirstShown] = useState(false);
  const [layout, setLayout] = useState<'stack' | 'mpr'>('stack');
  const mpr = useRef<MprSession | null>(null);
  const [mprState, setMprState] = useState<MprState | null>(null);
  const toggleLayout = useCallback(() => setLayout((shown) => (shown === 'stack' ? 'mpr' : 'stack')), []);
  const reportError = useRef(onError);
  reportError.current = onError;

  useEffect(() => {
    const target = element.current;
    if (!target || renderer === null) return;
    const next = new StackSession(target, series, setState, () => setFirstShown(true));
    session.current = next;
    setState(next.state);
    next.start().catch((error: unknown) => reportError.current?.(error));
    target.focus();
    return () => {
      session.current = null;
      next.dispose();
    };
  }, [series, renderer]);

  const applyPreset = useCallback(
    (index: number) => {
      const preset = series.windowPresets[index];
      if (preset) (layout === 'mpr' ? mpr.current : session.current)?.setWindow(preset.center, preset.width);
    },
    [series, layout],
  );

  const onKeyDown = (event: ReactKeyboardEvent<HTMLElement>) => {
    const current = session.current;
    if (!current || (event.target as HTMLElement).closest('input, textarea, select')) return;
    const common = { presetCount: Math.min(9, series.windowPresets.length), applyPreset, toggleHelp: () => setHelp((shown) => !shown), toggleLayout };
    const reformats = mpr.current;
    const handled =
      layout === 'mpr'
        ? reformats !== null && handleViewerKey(event.nativeEvent, { ...common, session: reformats, tools: MPR_LEFT_TOOLS })
        : handleViewerKey(event.nativeEvent, {
            ...common,
            session: current,
            tools: LEFT_TOOLS,
            removeLastMeasurement: () => {
              const last = current.state.measurements.at(-1);
              if (last) removeMeasurement(last.uid);
            },
          });
    // M toggles even while the reformats cannot be built (too large), so the user can get back.
    if (!handled && layout === 'mpr' && (event.key === 'm' || event.key === 'M')) toggleLayout();
    if (handled) event.preventDefault();
    if (event.key === 'Escape') setHelp(false);
  };

  const onMouseMove = (event: ReactMouseEvent<HTMLDivElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    session.current?.hover(event.clientX - rect.left, event.clientY - rect.top);
  };

  if (renderer === null) {
    return (
      <p role="alert" className="viewer-error" data-testid="viewer-no-webgl">
        This computer offers no WebGL2, which the CT viewer needs. Update the graphics driver or enable hardware acceleration.
      </p>
    );
  }

  const count = series.frameCount;
  const index = state?.index ?? Math.floor(count / 2);
  const sliceError = state?.failed.get(index);
  const waiting = !sliceError && state?.shown !== index;
  const presets = series.windowPresets.slice(0, 9);
  const { patient, study } = series;

  return (
    <section
      className="ct-viewer"
      aria-label="CT viewer"
      data-testid="ct-viewer"
      data-state={firstShown ? 'ready' : 'loading'}
      data-slice-index={index}
      data-shown-index={state?.shown ?? ''}
      data-loaded={state?.loaded ?? 0}
      data-failed={state?.failed.size ?? 0}
      data-window-center={state?.voi ? state.voi.center : ''}
      data-window-width={state?.voi ? state.voi.width : ''}
      data-renderer={renderer}
      data-layout={layout}
      onKeyDown={onKeyDown}
    >
      <div className="ct-toolbar" role="toolbar" aria-label="Viewer tools">
        <button type="button" aria-pressed={layout === 'mpr'} onClick={toggleLayout} title="Axial / sagittal / coronal reformats with linked crosshairs (M)">
          MPR
        </button>
        <span className="ct-toolbar-sep" />
        {layout === 'mpr'
          ? MPR_LEFT_TOOLS.map(({ tool, key, label }) => (
              <button key={tool} type="button" aria-pressed={mprState?.tool === tool} onClick={() => mpr.current?.setTool(tool)} title={`${label} (${key.toUpperCase()})`}>
                {label}
              </button>
            ))
          : LEFT_TOOLS.map(({ tool, key, label }) => (
              <button key={tool} type="button" aria-pressed={state?.tool === tool} onClick={() => session.current?.setTool(tool)} title={`${label} (${key.toUpperCase()})`}>
                {label}
              </button>
            ))}
        <span className="ct-toolbar-sep" />
        {presets.map((preset, i) => (
          <button key={`${preset.name}-${i}`} type="button" onClick={() => applyPreset(i)} title={`W ${preset.width} / L ${preset.center} (${i + 1})`}>
            {i + 1} {preset.name}
          </button>
        ))}
        <span className="ct-toolbar-sep" />
        <button type="button" aria-pressed={(layout === 'mpr' ? mprState?.invert : state?.invert) ?? false} onClick={() => (layout === 'mpr' ? mpr.current : session.current)?.toggleInvert()} title="Invert (I)">
          Invert
        </button>
        <button type="button" onClick={() => (layout === 'mpr' ? mpr.current : session.current)?.reset()} title="Reset (R)">
          Reset
        </button>
        {layout === 'stack' && (
          <button type="button" aria-pressed={state?.cine ?? false} onClick={() => session.current?.toggleCine()} title="Cine (Space)">
            {state?.cine ? 'Pause' : 'Cine'}
          </button>
        )}
        <button type="button" aria-expanded={help} onClick={() => setHelp((shown) => !shown)} title="Keys (?)">
          ?
        </button>
      </div>
      {series.warnings.length > 0 && (
        <ul className="ct-warnings" role="status" data-testid="series-warnings">
          {series.warnings.map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
        </ul>
      )}
      <div className="ct-stage">
        <div
          ref={element}
          className="ct-viewport"
          data-testid="ct-viewport"
          tabIndex={0}
          role="application"
          aria-label={`CT image, ${series.series.description || 'series'}: slice ${index + 1} of ${count}. Arrow keys scroll, question mark lists the keys.`}
          onMouseMove={onMouseMove}
          onMouseLeave={() => session.current?.hover(-1, -1)}
          onContextMenu={(event) => event.preventDefault()}
        />
        <div className="ct-overlay ct-top-left" aria-hidden="true">
          <div>{patient.name ?? 'Unnamed patient'}</div>
          <div>
            {patient.id ?? '–'} {patient.sex ?? ''} {patient.birthDate ?? ''}
          </div>
        </div>
        <div className="ct-overlay ct-top-right" aria-hidden="true">
          <div>
            {study.date ?? ''} {study.description}
          </div>
          <div>{study.accession ? `Acc ${study.accession}` : ''}</div>
          <div>
            Se {series.series.number ?? '–'} {series.series.description}
          </div>
        </div>
        <div className="ct-overlay ct-bottom-left" aria-hidden="true">
          <div data-testid="slice-counter">
            Slice {index + 1}/{count}
          </div>
          <div>Pos {position(series, index)}</div>
          <div>
            Loaded {state?.loaded ?? 0}/{count}
          </div>
        </div>
        <div className="ct-overlay ct-bottom-right" aria-hidden="true">
          <div data-testid="window-level">{state?.voi ? `W ${round(state.voi.width)} L ${round(state.voi.center)}` : 'W – L –'}</div>
          <div>
            Zoom {(state?.zoom ?? 1).toFixed(2)}
            {state?.invert ? ' · inverted' : ''}
          </div>
          <div data-testid="hu-readout" data-x={state?.readout?.x ?? ''} data-y={state?.readout?.y ?? ''} data-hu={state?.readout?.hu ?? ''}>
            {state?.readout ? `HU ${round(state.readout.hu)} at (${state.readout.column}, ${state.readout.row})` : 'HU –'}
          </div>
        </div>
        {sliceError && (
          <div className="ct-error-tile" role="alert" data-testid="slice-error" data-slice={index}>
            Slice {index + 1} could not be shown: {sliceError}
          </div>
        )}
        {waiting && !sliceError && <div className="ct-loading">Loading slice {index + 1}…</div>}
        {state?.notice && (
          <p className="ct-notice" role="alert" data-testid="viewer-notice">
            {state.notice}
          </p>
        )}
        {layout === 'mpr' && <MprView series={series} initialVoi={state?.voi ?? null} onSession={(next) => (mpr.current = next)} onState={setMprState} onError={onError} />}
        {help && (
          <div className="ct-help" role="dialog" aria-label="Viewer keys" data-testid="viewer-help">
            <h2>Keys</h2>
            <dl>
              {KEY_HELP.map(([keys, what]) => (
                <div key={keys}>
                  <dt>{keys}</dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
            <p className="muted small">Esc closes this.</p>
          </div>
        )}
      </div>
      <p className="ct-sr-only" aria-live="polite">
        Slice {index + 1} of {count}
      </p>
      {(state?.measurements.length ?? 0) > 0 && (
        <ol className="ct-measurements" aria-label="Measurements" data-testid="measurements">
          {state?.measurements.map((m) => (
            <li key={m.uid} data-kind={m.kind} data-values={JSON.stringify(m.values)}>
              {m.text}{' '}
              <button type="button" onClick={() => removeMeasurement(m.uid)} aria-label={`Remove ${m.text}`}>
                ×
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
