import { useState, type FormEvent } from 'react';
import type { StudyRef, StudySearchInput, StudySearchResult } from '../../../../preload/contract';
import { api, ApiError } from '../../../api';
import { dicomDate, shortUid } from './format';
import { KeyList } from './KeyList';
import { useImagingWorkspace } from './workspaceStore';

type Found = StudySearchResult['studies'][number];
const PAGE_SIZE = 25;

/** Says what to do about a failed search, not just that it failed. */
function searchError(error: unknown): string {
  if (!(error instanceof ApiError)) return (error as Error).message;
  if (error.code === 'forbidden') return `Access denied by HealthImaging. Check that you are signed in with a role that may search this datastore. (${error.message})`;
  return error.message;
}

/**
 * HealthImaging search by patient id, accession and study date range, a page at a time (the service
 * pages with tokens: the tokens of earlier pages are kept so Previous works without searching again).
 */
export function HealthImagingSearch({ chosen, onChoose }: { chosen: StudyRef | null; onChoose: (study: StudyRef, via: 'keyboard' | 'pointer') => void }) {
  const { form, search, patch } = useImagingWorkspace();
  const query = search?.query ?? null;
  const tokens = search?.tokens ?? [];
  const page = search?.page ?? null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Counts answered searches: each new page of results takes the keyboard focus. */
  const [answered, setAnswered] = useState(0);

  const load = async (q: StudySearchInput, token: string | undefined, pageTokens: readonly (string | undefined)[]) => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.call('imaging.studies.search', { ...q, pageSize: PAGE_SIZE, ...(token ? { nextToken: token } : {}) });
      patch({ search: { query: q, tokens: pageTokens, page: result } });
      setAnswered((n) => n + 1);
    } catch (e) {
      setError(searchError(e));
      patch({ search: null });
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q: StudySearchInput = {};
    if (form.patientId.trim()) q.patientId = form.patientId.trim();
    if (form.accessionNumber.trim()) q.accessionNumber = form.accessionNumber.trim();
    if (form.studyDateFrom) q.studyDateFrom = form.studyDateFrom;
    if (form.studyDateTo) q.studyDateTo = form.studyDateTo;
    if (q.studyDateFrom && q.studyDateTo && q.studyDateFrom > q.studyDateTo) {
      setError('The study date range ends before it starts.');
      return;
    }
    void load(q, undefined, [undefined]);
  };
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => patch({ form: { ...useImagingWorkspace.getState().form, [name]: e.target.value } }),
  });
  const chosenKey = chosen?.kind === 'healthimaging' ? chosen.imageSetId : null;

  return (
    <div className="ahi-search">
      <form onSubmit={submit} aria-label="Search HealthImaging" className="search-form">
        <label>
          Patient ID
          <input name="patientId" autoComplete="off" {...field('patientId')} />
        </label>
        <label>
          Accession
          <input name="accessionNumber" autoComplete="off" {...field('accessionNumber')} />
        </label>
        <label>
          Study date from
          <input name="studyDateFrom" type="date" {...field('studyDateFrom')} />
        </label>
        <label>
          to
          <input name="studyDateTo" type="date" {...field('studyDateTo')} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error && (
        <p role="alert" className="browser-error" data-testid="search-error">
          {error}
        </p>
      )}
      {page && (
        <>
          <p className="muted small" aria-live="polite" data-testid="search-summary">
            {page.studies.length === 0 ? 'No studies match.' : `Page ${tokens.length}: ${page.studies.length} stud${page.studies.length === 1 ? 'y' : 'ies'}`}
          </p>
          <KeyList<Found>
            key={answered}
            autoFocus
            label="HealthImaging studies"
            testId="search-results"
            items={page.studies}
            itemKey={(s) => (s.ref.kind === 'healthimaging' ? s.ref.imageSetId : '')}
            chosenKey={chosenKey}
            onChoose={(s, via) => onChoose(s.ref, via)}
            render={(s) => (
              <div className="study-row">
                <div>
                  <strong>{s.patientId ?? 'No patient id'}</strong> {dicomDate(s.studyDate)}
                </div>
                <div className="muted small">
                  {s.accessionNumber ? `Accession ${s.accessionNumber} · ` : ''}
                  {shortUid(s.studyInstanceUid)}
                </div>
              </div>
            )}
          />
          <div className="pager">
            <button type="button" disabled={busy || tokens.length <= 1 || !query} onClick={() => query && void load(query, tokens[tokens.length - 2], tokens.slice(0, -1))}>
              Previous
            </button>
            <button type="button" disabled={busy || !page.nextToken || !query} onClick={() => query && page.nextToken && void load(query, page.nextToken, [...tokens, page.nextToken])}>
              Next
            </button>
          </div>
        </>
      )}
    </div>
  );
}
