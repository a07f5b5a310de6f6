import { useEffect, useState } from 'react';
import type { SeriesSummary, StudyDetail, StudyRef } from '../../../../preload/contract';
import { api } from '../../../api';
import { dicomDate, personName } from './format';
import { KeyList } from './KeyList';
import { SeriesThumbnail } from './SeriesThumbnail';

interface SeriesListProps {
  readonly study: StudyRef;
  readonly openSeriesUid: string | null;
  readonly onOpen: (study: StudyRef, series: SeriesSummary) => void;
  /** The study was chosen by keyboard: the series list takes the focus, so Enter again opens one. */
  readonly autoFocus: boolean;
}

/** A study's patient and study facts, and its series with thumbnails; Enter or a click opens one. */
export function SeriesList({ study, openSeriesUid, onOpen, autoFocus }: SeriesListProps) {
  const [detail, setDetail] = useState<StudyDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setDetail(null);
    setError(null);
    api.call('imaging.study.get', { study }).then(
      (d) => live && setDetail(d),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [study]);

  if (error) return <p role="alert" className="browser-error">{error}</p>;
  if (!detail) return <p className="muted" aria-busy="true">Loading the study…</p>;
  const { patient, study: facts } = detail;
  return (
    <div className="series-panel" data-testid="series-panel">
      <dl className="study-facts">
        <dt>Patient</dt>
        <dd data-testid="study-patient">
          {personName(patient.name) || 'Unnamed'} {patient.id && <span className="muted">({patient.id})</span>}
          {patient.sex && <span className="muted"> {patient.sex}</span>}
          {patient.birthDate && <span className="muted"> born {dicomDate(patient.birthDate)}</span>}
        </dd>
        <dt>Study</dt>
        <dd>
          {dicomDate(facts.date) || 'no date'} {facts.description}
          {facts.accession && <span className="muted"> · accession {facts.accession}</span>}
        </dd>
      </dl>
      {detail.errors.length > 0 && (
        <details className="muted small skipped-files">
          <summary>{detail.errors.length === 1 ? '1 file skipped' : `${detail.errors.length} files skipped`}</summary>
          <ul>
            {detail.errors.map((e) => (
              <li key={e.file}>
                {e.file}: {e.error}
              </li>
            ))}
          </ul>
        </details>
      )}
      {detail.series.length === 0 ? (
        <p className="muted">This study has no series Atrium can show.</p>
      ) : (
        <KeyList
          label="Series"
          testId="series-list"
          items={detail.series}
          itemKey={(s) => s.seriesInstanceUid}
          chosenKey={openSeriesUid}
          autoFocus={autoFocus}
          onChoose={(s) => onOpen(study, s)}
          render={(s) => (
            <div className="series-row" data-series-uid={s.seriesInstanceUid}>
              <SeriesThumbnail study={study} series={s} />
              <div>
                <div>
                  {s.modality} {s.seriesNumber !== null && `#${s.seriesNumber}`} {s.description || 'No description'}
                </div>
                <div className="muted small">{s.slices} slices</div>
                {s.warnings.map((w) => (
                  <div key={w} className="warning small" title={w}>
                    ⚠ {w.split(':')[0]}
                  </div>
                ))}
              </div>
            </div>
          )}
        />
      )}
    </div>
  );
}
