import { useEffect, useState } from 'react';
import type { ImagingLibrary, LibraryStudy, RecentStudy, SeriesSummary, StudyRef } from '../../../../preload/contract';
import { api } from '../../../api';
import { dicomDate, shortUid } from './format';
import { HealthImagingSearch } from './HealthImagingSearch';
import { KeyList } from './KeyList';
import { SeriesList } from './SeriesList';
import './StudyBrowser.css';
import { useImagingWorkspace } from './workspaceStore';

interface StudyBrowserProps {
  /** The series open in the viewer, marked in the series list. */
  readonly openSeriesUid: string | null;
  readonly onOpenSeries: (study: StudyRef, series: SeriesSummary) => void;
  /** Changes when a series was opened, so recent studies are listed again. */
  readonly refreshKey: number;
}

function refKey(ref: StudyRef): string {
  return ref.kind === 'local' ? `local:${ref.studyInstanceUid}` : `ahi:${ref.imageSetId}`;
}

/**
 * The study browser: recent studies and the local library, or a HealthImaging search; the chosen
 * study's series below with thumbnails. Every list is driven by Up/Down and Enter.
 */
export function StudyBrowser({ openSeriesUid, onOpenSeries, refreshKey }: StudyBrowserProps) {
  const { tab, chosen, patch } = useImagingWorkspace();
  const setTab = (next: typeof tab) => patch({ tab: next });
  const [library, setLibrary] = useState<ImagingLibrary | null>(null);
  const [libraryError, setLibraryError] = useState<string | null>(null);
  const [chosenByKeyboard, setChosenByKeyboard] = useState(false);
  const choose = (ref: StudyRef, via: 'keyboard' | 'pointer') => {
    patch({ chosen: ref });
    setChosenByKeyboard(via === 'keyboard');
  };

  useEffect(() => {
    let live = true;
    api.call('imaging.library.list').then(
      (l) => live && setLibrary(l),
      (e: Error) => live && setLibraryError(e.message),
    );
    return () => {
      live = false;
    };
  }, [refreshKey]);

  const chosenKey = chosen ? refKey(chosen) : null;
  return (
    <div className="study-browser" role="region" aria-label="Study browser" data-ready={library ? 'imaging-library' : undefined}>
      <div role="tablist" aria-label="Where studies come from" className="browser-tabs">
        <button role="tab" aria-selected={tab === 'library'} onClick={() => setTab('library')}>
          This station
        </button>
        <button role="tab" aria-selected={tab === 'healthimaging'} onClick={() => setTab('healthimaging')}>
          HealthImaging
        </button>
      </div>
      <div role="tabpanel" className="browser-lists">
        {tab === 'library' ? (
          <>
            {libraryError && <p role="alert" className="browser-error">{libraryError}</p>}
            {!library && !libraryError && <p className="muted" aria-busy="true">Loading the library…</p>}
            {library && library.recent.length > 0 && (
              <>
                <h2>Recent</h2>
                <KeyList<RecentStudy>
                  label="Recent studies"
                  testId="recent-studies"
                  items={library.recent}
                  itemKey={(r) => refKey(r.ref)}
                  chosenKey={chosenKey}
                  onChoose={(r, via) => choose(r.ref, via)}
                  render={(r) => (
                    <div className="study-row">
                      <div>
                        {dicomDate(r.studyDate) || 'no date'} {r.description || shortUid(r.studyInstanceUid)}
                      </div>
                      <div className="muted small">
                        {r.ref.kind === 'local' ? 'This station' : 'HealthImaging'} · {r.seriesDescription || 'series'}
                      </div>
                    </div>
                  )}
                />
              </>
            )}
            {library && (
              <>
                <h2>Local library</h2>
                {library.studies.length === 0 ? (
                  <p className="muted">
                    No folders imported. Add one with <code>atrium imaging import &lt;folder&gt;</code>.
                  </p>
                ) : (
                  <KeyList<LibraryStudy>
                    label="Local studies"
                    testId="library-studies"
                    items={library.studies}
                    itemKey={(s) => refKey(s.ref)}
                    chosenKey={chosenKey}
                    onChoose={(s, via) => choose(s.ref, via)}
                    render={(s) => (
                      <div className="study-row" data-study-uid={s.studyInstanceUid}>
                        <div>
                          {dicomDate(s.studyDate) || 'no date'} · {s.series.map((x) => x.modality).filter((m, i, all) => all.indexOf(m) === i).join('/')}{' '}
                          {s.series.length} series
                        </div>
                        <div className="muted small" title={s.root}>
                          {s.root.split(/[\\/]/).pop()} · {shortUid(s.studyInstanceUid)}
                        </div>
                      </div>
                    )}
                  />
                )}
              </>
            )}
          </>
        ) : (
          <HealthImagingSearch chosen={chosen} onChoose={choose} />
        )}
      </div>
      {chosen && <SeriesList key={chosenKey} study={chosen} openSeriesUid={openSeriesUid} onOpen={onOpenSeries} autoFocus={chosenByKeyboard} />}
    </div>
  );
}
