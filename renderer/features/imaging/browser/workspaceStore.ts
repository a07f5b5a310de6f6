import { create } from 'zustand';
import type { OpenedSeries, StudyRef, StudySearchInput, StudySearchResult } from '../../../../preload/contract';

export interface SearchForm {
  readonly patientId: string;
  readonly accessionNumber: string;
  /** YYYY-MM-DD, as a date input gives it; '' for none. */
  readonly studyDateFrom: string;
  readonly studyDateTo: string;
}

export interface SearchState {
  readonly query: StudySearchInput;
  /** tokens[i] fetched page i (undefined for the first), so Previous needs no new search. */
  readonly tokens: readonly (string | undefined)[];
  readonly page: StudySearchResult;
}

interface ImagingWorkspace {
  /** The series in the viewer; it stays open in main while the user is in another view. */
  readonly opened: OpenedSeries | null;
  readonly tab: 'library' | 'healthimaging';
  readonly chosen: StudyRef | null;
  readonly form: SearchForm;
  readonly search: SearchState | null;
  patch(partial: Partial<Omit<ImagingWorkspace, 'patch'>>): void;
}

/**
 * What the imaging workspace shows, kept outside the view: the app unmounts a view when another is
 * chosen, and a radiologist who looks at Settings comes back to the same study, series and search.
 */
export const useImagingWorkspace = create<ImagingWorkspace>((set) => ({
  opened: null,
  tab: 'library',
  chosen: null,
  form: { patientId: '', accessionNumber: '', studyDateFrom: '', studyDateTo: '' },
  search: null,
  patch: (partial) => set(partial),
}));
