import type { MedicalImagingClient, SearchFilter } from '@aws-sdk/client-medical-imaging';
import type {
  ImagingLibrary,
  LibraryStudy,
  OpenedSeries,
  RecentStudy,
  SeriesOpenInput,
  SeriesSummary,
  StudyDetail,
  StudyRef,
  StudySearchInput,
  StudySearchResult,
} from '../../preload/contract.js';
import type { AwsClientFactory } from '../aws/awsClientFactory.js';
import type { SettingsService } from '../config/settingsService.js';
import { CallError } from '../ipc/callError.js';
import { DicomFolderSource } from './dicomFolder.js';
import type { FramePipeline } from './framePipeline.js';
import type { ImageSource } from './imageSource.js';
import { readStudyHeader, type StudyHeader } from './studyHeader.js';
import type { LibraryFolder, LocalImageLibrary } from './localLibrary.js';
import { studyKey, type RecentStudies } from './recentStudies.js';
import type { ImageSeries, ImageStudy } from './seriesModel.js';

/** A configured HealthImaging datastore with its client (credentials stay in main). */
export interface HealthImagingConnection {
  readonly client: MedicalImagingClient;
  readonly datastoreId: string;
  /** Changes whenever the client is made again (region, endpoint or sign-in changed). */
  readonly id: string;
}

export interface ImagingCatalogDeps {
  readonly library: LocalImageLibrary;
  readonly recent: RecentStudies;
  readonly pipeline: () => FramePipeline;
  /** Null when no datastore is configured. */
  readonly healthImaging: () => Promise<HealthImagingConnection | null>;
}

/**
 * The configured datastore with a client for it, or null when none is configured. The client is made
 * again when the region, the endpoint or the sign-in configuration changes; the SDK loads with the
 * first one, so the local library never waits for it.
 */
export function healthImagingFromSettings(settings: SettingsService, aws: AwsClientFactory): () => Promise<HealthImagingConnection | null> {
  let current: { key: string; client: MedicalImagingClient } | null = null;
  return async () => {
    const datastoreId = settings.get('aws.healthImaging.datastoreId');
    if (!datastoreId) return null;
    const endpoint = settings.get('aws.healthImaging.endpoint');
    const key = [settings.get('aws.region'), endpoint, settings.get('aws.sso.startUrl')].join(' ');
    // A custom endpoint (VPC endpoint, stand-in) is the whole host: no `runtime-` prefix on it.
    if (current?.key !== key) {
      const { MedicalImagingClient } = await import('@aws-sdk/client-medical-imaging');
      current = { key, client: aws.create(MedicalImagingClient, { endpoint, disableHostPrefix: endpoint !== null }) };
    }
    return { client: current.client, datastoreId, id: key };
  };
}

/** The standard CT windows (DOMAIN.md), offered after the presets the header carries. */
export const CT_WINDOW_PRESETS: readonly { name: string; center: number; width: number }[] = [
  { name: 'Brain', center: 40, width: 80 },
  { name: 'Subdural', center: 75, width: 215 },
  { name: 'Stroke', center: 40, width: 40 },
  { name: 'Lung', center: -600, width: 1500 },
  { name: 'Mediastinum', center: 50, width: 350 },
  { name: 'Abdomen', center: 50, width: 400 },
  { name: 'Liver', center: 30, width: 150 },
  { name: 'Bone', center: 400, width: 1800 },
];

/** The axial orientation assumed for a series whose header has none. */
const AXIAL: OpenedSeries['orientation'] = [1, 0, 0, 0, 1, 0];

/** A loaded study: the source its frames come from, its series model and the header facts. */
interface LoadedStudy {
  readonly source: ImageSource;
  /** Names the source in frame cache keys. */
  readonly cacheScope: string;
  readonly study: ImageStudy;
  readonly header: StudyHeader;
  readonly errors: { file: string; error: string }[];
}

/**
 * What the study browser and viewer ask main for: the local library and recent studies, HealthImaging
 * search one page at a time, a study's series, and opening a series in the frame pipeline. Loaded
 * studies are kept (one source each) so reopening a series returns the same series id and cache.
 */
export class ImagingCatalog {
  private readonly loaded = new Map<string, Promise<LoadedStudy>>();

  constructor(private readonly deps: ImagingCatalogDeps) {}

  async library(): Promise<ImagingLibrary> {
    const folders = await this.deps.library.list();
    const studies: LibraryStudy[] = folders
      .flatMap((folder) =>
        folder.studies.map((s) => ({
          ref: { kind: 'local' as const, studyInstanceUid: s.studyInstanceUid },
          studyInstanceUid: s.studyInstanceUid,
          studyDate: s.studyDate,
          root: folder.root,
          importedAt: folder.importedAt,
          series: s.series.map((x) => ({ ...x, seriesNumber: null })),
        })),
      )
      .sort((a, b) => (a.importedAt < b.importedAt ? 1 : a.importedAt > b.importedAt ? -1 : 0))
      // A study imported from two folders is listed once, from the folder it opens from (the newest).
      .filter((s, i, all) => all.findIndex((x) => x.studyInstanceUid === s.studyInstanceUid) === i);
    return { studies, recent: await this.deps.recent.list() };
  }

  /** One page of image sets matching the query. */
  async search(input: StudySearchInput, signal?: AbortSignal): Promise<StudySearchResult> {
    const ahi = await this.requireHealthImaging();
    const { SearchImageSetsCommand } = await import('@aws-sdk/client-medical-imaging');
    const page = await callHealthImaging(() =>
      ahi.client.send(
        new SearchImageSetsCommand({
          datastoreId: ahi.datastoreId,
          ...(searchFilters(input).length > 0 ? { searchCriteria: { filters: searchFilters(input) } } : {}),
          maxResults: input.pageSize ?? 25,
          ...(input.nextToken ? { nextToken: input.nextToken } : {}),
        }),
        signal ? { abortSignal: signal } : {},
      ),
    );
    const studies: StudySearchResult['studies'] = [];
    for (const s of page.imageSetsMetadataSummaries ?? []) {
      if (!s.imageSetId) continue;
      studies.push({
        ref: { kind: 'healthimaging', datastoreId: ahi.datastoreId, imageSetId: s.imageSetId },
        patientId: s.DICOMTags?.DICOMPatientId ?? null,
        studyInstanceUid: s.DICOMTags?.DICOMStudyInstanceUID ?? null,
        accessionNumber: s.DICOMTags?.DICOMAccessionNumber ?? null,
        studyDate: s.DICOMTags?.DICOMStudyDate ?? null,
        updatedAt: s.updatedAt?.toISOString() ?? null,
      });
    }
    return { studies, nextToken: page.nextToken ?? null };
  }

  async study(ref: StudyRef): Promise<StudyDetail> {
    const loaded = await this.load(ref);
    return {
      ref,
      patient: loaded.header.patient,
      study: studyFacts(loaded),
      series: loaded.study.series.map(seriesSummary),
      errors: loaded.errors,
    };
  }

  /** Registers the series with the frame pipeline and describes it for the viewer. */
  async open(input: SeriesOpenInput): Promise<OpenedSeries> {
    const loaded = await this.load(input.study);
    const series = loaded.study.series.find((s) => s.seriesInstanceUid === input.seriesInstanceUid);
    if (!series) throw new CallError('not_found', 'This study has no such series');
    const bitsAllocated = series.format.bitsAllocated;
    if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new CallError('unavailable', `${bitsAllocated}-bit images are not supported`);
    const seriesId = this.deps.pipeline().open(loaded.source, series, loaded.cacheScope);
    const openingIndex = Math.floor(series.frames.length / 2);
    if (input.purpose !== 'thumbnail') {
      // The first slice comes from the source while the renderer sets its viewer up, not after.
      this.deps.pipeline().fetchAhead(seriesId, openingIndex);
      await this.deps.recent.add({
        ref: input.study,
        studyInstanceUid: loaded.study.studyInstanceUid,
        studyDate: loaded.study.studyDate,
        description: loaded.study.description,
        seriesInstanceUid: series.seriesInstanceUid,
        seriesDescription: series.description,
      });
    }
    return {
      seriesId,
      frameUrlPrefix: `/binary/frames/${seriesId}/`,
      frameCount: series.frames.length,
      openingIndex,
      rows: series.format.rows,
      columns: series.format.columns,
      bitsAllocated,
      signed: series.format.pixelRepresentation === 1,
      rescaleSlope: series.rescaleSlope,
      rescaleIntercept: series.rescaleIntercept,
      spacing: [...series.geometry.spacing],
      orientation: series.geometry.orientation ? [...series.geometry.orientation] : AXIAL,
      positions: series.frames.map((f) => (f.position ? [...f.position] : null)),
      sliceThickness: series.geometry.sliceThickness,
      windowPresets: windowPresetsFor(series),
      warnings: [...series.warnings],
      modality: series.modality,
      patient: loaded.header.patient,
      study: studyFacts(loaded),
      series: { instanceUid: series.seriesInstanceUid, number: series.seriesNumber, description: series.description },
      source:
        input.study.kind === 'local'
          ? { kind: 'local' }
          : { kind: 'healthimaging', datastoreId: input.study.datastoreId, imageSetId: input.study.imageSetId },
    };
  }

  /** Prefetch outward from the slice the user looks at; failures are logged by the pipeline. */
  focus(seriesId: string, index: number): void {
    void this.deps.pipeline().focus(seriesId, index);
  }

  close(seriesId: string): void {
    this.deps.pipeline().close(seriesId);
  }

  /** One load per study, and per HealthImaging client so a changed endpoint or sign-in is used at once. */
  private async load(ref: StudyRef): Promise<LoadedStudy> {
    if (ref.kind === 'local') return this.loadOnce(studyKey(ref), () => this.loadLocal(ref.studyInstanceUid));
    const ahi = await this.requireHealthImaging();
    return this.loadOnce(`${studyKey(ref)} via ${ahi.id}`, () => this.loadHealthImaging(ahi, ref.datastoreId, ref.imageSetId));
  }

  /** Concurrent loads of one key share one; a failed load is forgotten so the next call tries again. */
  private loadOnce(key: string, make: () => Promise<LoadedStudy>): Promise<LoadedStudy> {
    let loading = this.loaded.get(key);
    if (!loading) {
      loading = make().catch((error: unknown) => {
        this.loaded.delete(key);
        throw error;
      });
      this.loaded.set(key, loading);
    }
    return loading;
  }

  private async loadLocal(studyInstanceUid: string): Promise<LoadedStudy> {
    const folder = newestFolderWith(await this.deps.library.list(), studyInstanceUid);
    if (!folder) throw new CallError('not_found', 'This study is not in the local library');
    const source = new DicomFolderSource(folder.root);
    let scanned;
    try {
      scanned = await source.studies();
    } catch (error) {
      throw new CallError('unavailable', `The folder ${folder.root} cannot be read: ${(error as Error).message}`);
    }
    const study = scanned.studies.find((s) => s.studyInstanceUid === studyInstanceUid);
    if (!study) throw new CallError('not_found', `The study is no longer in ${folder.root}; import the folder again`);
    const firstLocator = study.series[0]?.frames[0]?.locator;
    const header = firstLocator ? await readStudyHeader(`${folder.root}/${firstLocator.replace(/#\d+$/, '')}`) : EMPTY_HEADER;
    return { source, cacheScope: `local:${folder.root}`, study, header, errors: scanned.errors };
  }

  private async loadHealthImaging(ahi: HealthImagingConnection, datastoreId: string, imageSetId: string): Promise<LoadedStudy> {
    if (ahi.datastoreId !== datastoreId) throw new CallError('not_found', 'That datastore is not the one configured on this station');
    const { HealthImagingSource, studyFromMetadata } = await import('./healthImagingSource.js');
    const source = new HealthImagingSource({ client: ahi.client, datastoreId, imageSetIds: [imageSetId] });
    const metadata = await callHealthImaging(() => source.metadata(imageSetId));
    const patient = metadata.Patient?.DICOM ?? {};
    const studyTags: Record<string, unknown> = metadata.Study.DICOM;
    return {
      source,
      cacheScope: `ahi:${datastoreId}`,
      study: studyFromMetadata(metadata),
      header: {
        patient: { name: text(patient['PatientName']), id: text(patient['PatientID']), sex: text(patient['PatientSex']), birthDate: text(patient['PatientBirthDate']) },
        accession: text(studyTags['AccessionNumber']),
      },
      errors: [],
    };
  }

  private async requireHealthImaging(): Promise<HealthImagingConnection> {
    const ahi = await this.deps.healthImaging();
    if (!ahi) throw new CallError('unavailable', 'HealthImaging is not configured: set the HealthImaging datastore (aws.healthImaging.datastoreId) in Settings');
    return ahi;
  }
}

const EMPTY_HEADER: StudyHeader = { patient: { name: null, id: null, sex: null, birthDate: null }, accession: null };

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function newestFolderWith(folders: readonly LibraryFolder[], studyInstanceUid: string): LibraryFolder | undefined {
  return folders
    .filter((f) => f.studies.some((s) => s.studyInstanceUid === studyInstanceUid))
    .sort((a, b) => (a.importedAt < b.importedAt ? 1 : -1))[0];
}

function studyFacts(loaded: LoadedStudy): StudyDetail['study'] {
  return { instanceUid: loaded.study.studyInstanceUid, date: loaded.study.studyDate, description: loaded.study.description, accession: loaded.header.accession };
}

function seriesSummary(series: ImageSeries): SeriesSummary {
  return {
    seriesInstanceUid: series.seriesInstanceUid,
    seriesNumber: series.seriesNumber,
    modality: series.modality,
    description: series.description,
    slices: series.frames.length,
    warnings: [...series.warnings],
  };
}

function windowPresetsFor(series: ImageSeries): OpenedSeries['windowPresets'] {
  const fromHeader = series.windowPresets.map((p, i) => ({ name: p.name ?? `Header ${i + 1}`, center: p.center, width: p.width }));
  return series.modality === 'CT' ? [...fromHeader, ...CT_WINDOW_PRESETS] : fromHeader;
}

/** HealthImaging's search filters; dates arrive as YYYY-MM-DD and go out as DICOM's YYYYMMDD. */
function searchFilters(input: StudySearchInput): SearchFilter[] {
  const filters: SearchFilter[] = [];
  if (input.patientId) filters.push({ operator: 'EQUAL', values: [{ DICOMPatientId: input.patientId }] });
  if (input.accessionNumber) filters.push({ operator: 'EQUAL', values: [{ DICOMAccessionNumber: input.accessionNumber }] });
  if (input.studyInstanceUid) filters.push({ operator: 'EQUAL', values: [{ DICOMStudyInstanceUID: input.studyInstanceUid }] });
  if (input.studyDateFrom || input.studyDateTo) {
    const day = (iso: string | undefined, fallback: string) => (iso ? iso.replaceAll('-', '') : fallback);
    filters.push({
      operator: 'BETWEEN',
      values: [
        { DICOMStudyDateAndTime: { DICOMStudyDate: day(input.studyDateFrom, '19000101'), DICOMStudyTime: '000000' } },
        { DICOMStudyDateAndTime: { DICOMStudyDate: day(input.studyDateTo, '99991231'), DICOMStudyTime: '235959' } },
      ],
    });
  }
  return filters;
}

/** AWS errors become caller-facing ones that say what happened; the SDK's own message is kept. */
async function callHealthImaging<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw healthImagingError(error);
  }
}

export function healthImagingError(error: unknown): unknown {
  if (error instanceof CallError || !(error instanceof Error)) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const detail = error.message ? `: ${error.message}` : '';
  if (error.name === 'AccessDeniedException' || status === 403) return new CallError('forbidden', `HealthImaging denied access (${error.name})${detail}`);
  if (error.name === 'ResourceNotFoundException' || status === 404) return new CallError('not_found', `HealthImaging has no such image set or datastore${detail}`);
  if (error.name === 'ThrottlingException' || status === 429) return new CallError('unavailable', `HealthImaging is throttling requests; try again in a moment${detail}`);
  if (error.name === 'ValidationException' || status === 400) return new CallError('invalid_input', `HealthImaging rejected the request${detail}`);
  if (error.name === 'CredentialsProviderError') return new CallError('forbidden', `No AWS credentials for HealthImaging: sign in first${detail}`);
  return new CallError('unavailable', `HealthImaging cannot be reached (${error.name})${detail}`);
}
