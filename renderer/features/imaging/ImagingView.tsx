import { Suspense, useEffect, useRef, useState } from 'react';
import type { SeriesSummary, StudyRef } from '../../../preload/contract';
import { api } from '../../api';
import { preloadableLazy } from '../../app/preloadableLazy';
import { StudyBrowser } from './browser/StudyBrowser';
import { useImagingWorkspace } from './browser/workspaceStore';
import { probeCodec, type CodecProbeResult } from './codecProbe';
import './ImagingView.css';

// The viewer (cornerstone3D, large) and the verify panel load as their own chunks, after the browser
// is on screen, and before a series is opened (so opening one never waits for a chunk).
const CtViewer = preloadableLazy(() => import('./viewer/CtViewer').then((m) => m.CtViewer));
const VerifyPanel = preloadableLazy(() => import('./verify/VerifyPanel').then((m) => m.VerifyPanel));

function closeSeries(seriesId: string): void {
  // Main cancels the series' prefetch; nothing to wait for, and a failure only leaves it open in main.
  void api.call('imaging.series.close', { seriesId }).catch(() => undefined);
}

function problemText(problem: unknown): string {
  return problem instanceof Error ? problem.message : String(problem);
}

/**
 * The imaging workspace: the study browser on the left, the viewer in the middle and the verify panel
 * on the right. Opening a series asks main for it; switching series closes the previous one (main then
 * stops prefetching it). What is open stays open while another view is shown (see workspaceStore).
 * Loaded lazily so coders never pay for it.
 */
export default function ImagingView() {
  const [codec, setCodec] = useState<CodecProbeResult | null>(null);
  const opened = useImagingWorkspace((w) => w.opened);
  const [opening, setOpening] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [viewerProblem, setViewerProblem] = useState<string | null>(null);
  const [recentKey, setRecentKey] = useState(0);
  const ticket = useRef(0);

  // The viewer's code downloads and compiles while the radiologist picks a study, then cornerstone and one
  // decode worker (codec compiled and warmed) get ready, so opening a series waits for none of them. No
  // frame is fetched until a series opens.
  useEffect(() => {
    void CtViewer.preload().catch(() => undefined);
    void VerifyPanel.preload().catch(() => undefined);
    void import('./viewer/stackSession').then((viewer) => viewer.prepareViewer()).catch(() => undefined);
  }, []);

  useEffect(() => {
    let live = true;
    void probeCodec().then((result) => live && setCodec(result));
    return () => {
      live = false;
    };
  }, []);

  const open = async (study: StudyRef, series: SeriesSummary) => {
    const mine = ++ticket.current;
    setOpening(series.description || series.seriesInstanceUid);
    setError(null);
    try {
      const next = await api.call('imaging.series.open', { study, seriesInstanceUid: series.seriesInstanceUid });
      performance.mark('ct-viewer:series-opened');
      const previous = useImagingWorkspace.getState().opened;
      if (mine !== ticket.current) {
        // A later click won; this one is not shown, so it should not stay open either.
        if (next.seriesId !== previous?.seriesId) closeSeries(next.seriesId);
        return;
      }
      if (previous && previous.seriesId !== next.seriesId) closeSeries(previous.seriesId);
      setViewerProblem(null);
      useImagingWorkspace.getState().patch({ opened: next });
      setRecentKey((k) => k + 1);
    } catch (e) {
      if (mine === ticket.current) setError(`The series could not be opened: ${(e as Error).message}`);
    } finally {
      if (mine === ticket.current) setOpening(null);
    }
  };

  return (
    <section className="imaging-workspace" aria-labelledby="imaging-title">
      <header className="imaging-bar">
        <h1 id="imaging-title">Imaging</h1>
        <span className="muted small">
          HTJ2K decoder:{' '}
          <span data-testid="codec-status" data-state={codec === null ? 'loading' : codec.ok ? 'ready' : 'failed'}>
            {codec === null ? 'starting…' : codec.ok ? `ready (compiled in ${Math.round(codec.ms)} ms)` : `unavailable: ${codec.error}`}
          </span>
        </span>
      </header>
      <StudyBrowser openSeriesUid={opened?.series.instanceUid ?? null} onOpenSeries={(study, series) => void open(study, series)} refreshKey={recentKey} />
      <div className="imaging-viewer" role="region" aria-label="Viewer" aria-busy={opening !== null}>
        {error && (
          <p role="alert" className="browser-error">
            {error}
          </p>
        )}
        {viewerProblem && (
          <p role="alert" className="browser-error">
            {viewerProblem}
          </p>
        )}
        {opening && <p className="muted">Opening {opening}…</p>}
        {opened ? (
          <div className="viewer-host" data-testid="viewer-host" data-series-id={opened.seriesId}>
            <Suspense fallback={<p className="muted">Loading the viewer…</p>}>
              <CtViewer key={opened.seriesId} series={opened} onError={(problem) => setViewerProblem(problemText(problem))} />
            </Suspense>
          </div>
        ) : (
          !opening && <p className="muted viewer-empty">Choose a study, then a series (arrows and Enter work in every list).</p>
        )}
      </div>
      {opened && (
        <aside className="imaging-verify" aria-label="Verification">
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <VerifyPanel key={opened.seriesId} series={opened} />
          </Suspense>
        </aside>
      )}
    </section>
  );
}
