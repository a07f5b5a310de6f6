import { Suspense, useEffect } from 'react';
import { api } from '../api';
import { EncounterView } from '../features/coding/EncounterView';
import { SessionGate } from '../features/session/SessionGate';
import { SyncView } from '../features/sync/SyncView';
import { WorklistView } from '../features/worklist/WorklistView';
import { CommandPalette } from './CommandPalette';
import { preloadableLazy } from './preloadableLazy';
import { StatusBar } from './StatusBar';
import { useAppStore, VIEWS, type View } from './store';

// The imaging workspace (its viewer, with the imaging stack, loads only once it is opened) and settings
// (editors derived from the contract's zod schemas) are their own chunks, kept off start-up.
const ImagingView = preloadableLazy(() => import('../features/imaging/ImagingView').then((m) => m.default));
const SettingsView = preloadableLazy(() => import('../features/settings/SettingsView').then((m) => m.default));
/** After start-up, when the page is idle: long enough that the first worklist page never waits for it. */
const PRELOAD_VIEWS_AFTER_MS = 3000;

/** Loads the lazy views' chunks once the station is idle, so switching to them never waits or suspends. */
function usePreloadedViews() {
  useEffect(() => {
    let idle: number | undefined;
    const timer = setTimeout(() => {
      idle = requestIdleCallback(() => {
        for (const view of [ImagingView, SettingsView]) view.preload().catch(() => undefined);
      });
    }, PRELOAD_VIEWS_AFTER_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) cancelIdleCallback(idle);
    };
  }, []);
}

function useBootstrap() {
  const patch = useAppStore((s) => s.patch);
  useEffect(() => {
    let cancelled = false;
    Promise.all([api.call('app.info'), api.call('settings.get'), api.call('session.status'), api.call('status.summary')])
      .then(([info, settings, session, summary]) => {
        if (!cancelled) patch({ info, settings, session, summary });
      })
      .catch((error: Error) => patch({ notice: `Could not load the station: ${error.message}` }));
    const stops = [
      api.on('settings.changed', (settings) => patch({ settings })),
      api.on('session.changed', (session) => patch({ session })),
      api.onConnection((connected) => patch({ connected })),
    ];
    const online = () => patch({ online: navigator.onLine });
    window.addEventListener('online', online);
    window.addEventListener('offline', online);
    return () => {
      cancelled = true;
      stops.forEach((stop) => stop());
      window.removeEventListener('online', online);
      window.removeEventListener('offline', online);
    };
  }, [patch]);
}

function useTheme() {
  const theme = useAppStore((s) => s.settings?.values['ui.theme'] ?? 'system');
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
}

function useGlobalShortcuts() {
  const { go, setPaletteOpen } = useAppStore();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (!mod || event.altKey) return;
      if (event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setPaletteOpen(!useAppStore.getState().paletteOpen);
        return;
      }
      const view = VIEWS.find((v) => v.shortcut === event.key);
      if (view) {
        event.preventDefault();
        go(view.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, setPaletteOpen]);
}

/** The worklist, or the coding workspace of the encounter opened from it. */
function Worklist() {
  const encounterId = useAppStore((s) => s.encounterId);
  return encounterId ? <EncounterView key={encounterId} encounterId={encounterId} /> : <WorklistView />;
}

function CurrentView({ view }: { view: View }) {
  switch (view) {
    case 'worklist':
      return <Worklist />;
    case 'imaging':
      return (
        <Suspense fallback={<p className="muted">Loading the viewer…</p>}>
          <ImagingView />
        </Suspense>
      );
    case 'sync':
      return <SyncView />;
    case 'settings':
      return (
        <Suspense fallback={<p className="muted">Loading settings…</p>}>
          <SettingsView />
        </Suspense>
      );
  }
}

export function App() {
  useBootstrap();
  useTheme();
  useGlobalShortcuts();
  usePreloadedViews();
  const { view, go, paletteOpen, notice, patch } = useAppStore();
  const policyError = useAppStore((s) => s.settings?.policyError ?? null);
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">Atrium</div>
        {VIEWS.map((v) => (
          <button key={v.id} className={v.id === view ? 'nav-item active' : 'nav-item'} aria-current={v.id === view ? 'page' : undefined} onClick={() => go(v.id)}>
            {v.label}
          </button>
        ))}
        <button className="nav-item palette-hint" onClick={() => useAppStore.getState().setPaletteOpen(true)}>
          Commands <kbd>Ctrl K</kbd>
        </button>
      </nav>
      <main className="content" id="main">
        {policyError && (
          <div className="notice" role="alert">
            <span>The machine policy could not be applied, so settings are locked at their defaults. Ask IT: {policyError}</span>
          </div>
        )}
        {notice && (
          <div className="notice" role="alert">
            <span>{notice}</span>
            <button onClick={() => patch({ notice: null })} aria-label="Dismiss">
              ×
            </button>
          </div>
        )}
        <SessionGate>
          <CurrentView view={view} />
        </SessionGate>
      </main>
      <StatusBar />
      {paletteOpen && <CommandPalette />}
    </div>
  );
}
