import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallReply, MethodName, OpenedSeries, StudySearchResult } from '../../preload/contract.js';
import { HealthImagingStandIn } from '../../test/standins/healthimaging/healthImagingStandIn.js';
import { createTestServices, type TestServices } from '../../test/support/testServices.js';
import { SOURCE_ROOT, sourceResourcesDir } from '../app/paths.js';
import { createHandlerRegistry } from '../handlers.js';
import type { CallContext } from '../ipc/callContext.js';
import type { HandlerRegistry } from '../ipc/handlerRegistry.js';
import { scanDicomFolder } from './dicomFolder.js';
import { LocalImageLibrary } from './localLibrary.js';

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const CT_STUDY = '1.3.46.670589.33.1.27492712521914879309.27169771283235650014';
const CT1_STUDY = '1.3.6.1.4.1.5962.1.2.1.20040826185059.5457';
const CT2_STUDY = '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457';
const context: CallContext = { origin: 'test', frameUrl: 'test', principal: { id: 'tester', displayName: 'Tester', kind: 'local-profile' } };

let standIn: HealthImagingStandIn;
let t: TestServices;
let registry: HandlerRegistry;
/** An image set the search found, opened through the stand-in. */
let foundRef: unknown;

async function call<T>(method: MethodName, input?: unknown): Promise<T> {
  const reply: CallReply = await registry.invoke(method, input, context);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result as T;
}
async function failure(method: MethodName, input?: unknown): Promise<{ code: string; message: string }> {
  const reply = await registry.invoke(method, input, context);
  if (reply.ok) throw new Error(`${method} succeeded`);
  return reply.error;
}

beforeAll(async () => {
  // The default credential chain reads these: the stand-in checks the access key, not the signature.
  process.env.AWS_ACCESS_KEY_ID = 'AKIDSTANDIN';
  process.env.AWS_SECRET_ACCESS_KEY = 'standin-secret';
  standIn = await HealthImagingStandIn.start({
    // Two more studies (each HTJ2K file has an uncompressed twin with the same UIDs, skipped as a duplicate).
    dicomDirs: [CT_DIR, join(SOURCE_ROOT, 'test/fixtures/htj2k')],
    maxPageSize: 1,
    tags: {
      [CT_STUDY]: { patientId: 'PAT-7', accessionNumber: 'ACC-7', studyDate: '20240105' },
      [CT1_STUDY]: { patientId: 'PAT-1', accessionNumber: 'ACC-1', studyDate: '20040826' },
      [CT2_STUDY]: { patientId: 'PAT-1', accessionNumber: 'ACC-2', studyDate: '20050101' },
    },
  });
  t = createTestServices();
  registry = createHandlerRegistry(t.services);
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
  await standIn?.close();
});

function configureHealthImaging(): void {
  t.services.settings.set('aws.healthImaging.endpoint', standIn.endpoint);
  t.services.settings.set('aws.healthImaging.datastoreId', standIn.datastoreId);
}

describe('imaging contract methods', () => {
  it('lists the local library and opens a local series with its geometry and header facts', async () => {
    await new LocalImageLibrary(t.dir).add(CT_DIR, await scanDicomFolder(CT_DIR));
    const library = await call<{ studies: { ref: { kind: string; studyInstanceUid: string }; series: { seriesInstanceUid: string; slices: number }[] }[]; recent: unknown[] }>('imaging.library.list');
    expect(library.recent).toEqual([]);
    const study = library.studies.find((s) => s.ref.studyInstanceUid === CT_STUDY);
    const series = study?.series[0];
    expect(series?.slices).toBeGreaterThan(1);

    // A thumbnail opens the series without making the study recent, and fetches only what it draws.
    const { stats } = t.services.imagingFrames;
    const fetchedBefore = stats.sourceFetches;
    const forThumbnail = await call<OpenedSeries>('imaging.series.open', { study: study?.ref, seriesInstanceUid: series?.seriesInstanceUid, purpose: 'thumbnail' });
    expect((await call<{ recent: unknown[] }>('imaging.library.list')).recent).toEqual([]);
    expect(stats.sourceFetches).toBe(fetchedBefore);
    const opened = await call<OpenedSeries>('imaging.series.open', { study: study?.ref, seriesInstanceUid: series?.seriesInstanceUid });
    expect(opened.seriesId).toBe(forThumbnail.seriesId);
    expect(opened.frameCount).toBe(series?.slices);
    expect(opened.openingIndex).toBe(Math.floor(opened.frameCount / 2));
    // Opened for viewing, the slice a viewer shows first comes from the source before the renderer asks.
    await vi.waitFor(() => expect(stats.sourceFetches).toBeGreaterThan(fetchedBefore));
    expect(opened.positions).toHaveLength(opened.frameCount);
    expect(opened.frameUrlPrefix).toBe(`/binary/frames/${opened.seriesId}/`);
    expect(opened.source).toEqual({ kind: 'local' });
    expect(opened.patient.id).toBe('PLASTIC');
    expect(opened.windowPresets.map((p) => p.name)).toContain('Lung');
    expect(opened.windowPresets.find((p) => p.name === 'Lung')).toMatchObject({ center: -600, width: 1500 });
    // Positions climb along the slice normal by the spacing the series reports.
    const z = opened.positions.map((p) => p?.[2] ?? Number.NaN);
    expect(Math.abs((z[1] as number) - (z[0] as number))).toBeCloseTo(opened.spacing[2], 3);

    // Opening it again is the same series in the pipeline; the study is now recent.
    expect((await call<OpenedSeries>('imaging.series.open', { study: study?.ref, seriesInstanceUid: series?.seriesInstanceUid })).seriesId).toBe(opened.seriesId);
    const recent = (await call<{ recent: { studyInstanceUid: string }[] }>('imaging.library.list')).recent;
    expect(recent.map((r) => r.studyInstanceUid)).toEqual([CT_STUDY]);

    // Focus prefetches through the pipeline; close forgets the series.
    await call('imaging.series.focus', { seriesId: opened.seriesId, index: 3 });
    await call('imaging.series.close', { seriesId: opened.seriesId });
    expect((await failure('imaging.series.focus', { seriesId: opened.seriesId, index: 0 })).code).toBe('not_found');
  });

  it('says HealthImaging is not configured before a datastore is set', async () => {
    const error = await failure('imaging.studies.search', { patientId: 'PAT-7' });
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(error.message).toMatch(/HealthImaging is not configured/);
  });

  it('searches HealthImaging a page at a time and opens a series from an image set', async () => {
    configureHealthImaging();
    const first = await call<StudySearchResult>('imaging.studies.search', { patientId: 'PAT-7', pageSize: 1 });
    expect(first.studies).toHaveLength(1);
    expect(first.studies[0]).toMatchObject({ patientId: 'PAT-7', accessionNumber: 'ACC-7', studyInstanceUid: CT_STUDY, studyDate: '20240105' });
    expect(first.nextToken).toBeNull();
    // Two studies of one patient come a page at a time, the second page by the first page's token.
    const page1 = await call<StudySearchResult>('imaging.studies.search', { patientId: 'PAT-1', pageSize: 1 });
    expect(page1.nextToken).not.toBeNull();
    const page2 = await call<StudySearchResult>('imaging.studies.search', { patientId: 'PAT-1', pageSize: 1, nextToken: page1.nextToken });
    expect([...page1.studies, ...page2.studies].map((x) => x.accessionNumber).sort()).toEqual(['ACC-1', 'ACC-2']);
    expect(page2.nextToken).toBeNull();
    expect((await call<StudySearchResult>('imaging.studies.search', { patientId: 'NOBODY' })).studies).toEqual([]);
    expect((await call<StudySearchResult>('imaging.studies.search', { studyDateFrom: '2024-01-01', studyDateTo: '2024-01-31' })).studies).toHaveLength(1);
    expect((await call<StudySearchResult>('imaging.studies.search', { studyDateFrom: '2025-01-01' })).studies).toEqual([]);

    const ref = first.studies[0]?.ref;
    foundRef = ref;
    const detail = await call<{ patient: { id: string }; study: { accession: string }; series: { seriesInstanceUid: string; slices: number }[] }>('imaging.study.get', { study: ref });
    expect(detail.patient.id).toBe('PAT-7');
    expect(detail.study.accession).toBe('ACC-7');
    const opened = await call<OpenedSeries>('imaging.series.open', { study: ref, seriesInstanceUid: detail.series[0]?.seriesInstanceUid });
    expect(opened.source).toMatchObject({ kind: 'healthimaging', datastoreId: standIn.datastoreId });
    expect(opened.frameCount).toBe(detail.series[0]?.slices);
    const frame = await t.services.imagingFrames.frame(opened.seriesId, 0);
    expect(frame.encoding).toBe('htj2k');
  });

  it('turns a 403 from HealthImaging into a clear forbidden error', async () => {
    configureHealthImaging();
    const denied = await HealthImagingStandIn.start({ dicomDirs: [CT_DIR], datastoreId: standIn.datastoreId, deniedAccessKeys: ['AKIDSTANDIN'] });
    try {
      t.services.settings.set('aws.healthImaging.endpoint', denied.endpoint);
      const error = await failure('imaging.studies.search', { patientId: 'PAT-7' });
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/HealthImaging denied access \(AccessDeniedException\)/);
      // A study loaded through the earlier endpoint is loaded again through the new one, not served stale.
      expect((await failure('imaging.study.get', { study: foundRef })).code).toBe('forbidden');
    } finally {
      await denied.close();
    }
  });

  it('refuses input the contract does not allow', async () => {
    expect((await failure('imaging.series.open', { study: { kind: 'local', studyInstanceUid: 'not a uid' }, seriesInstanceUid: '1.2' })).code).toBe('invalid_input');
    expect((await failure('imaging.studies.search', { studyDateFrom: '01/02/2024' })).code).toBe('invalid_input');
  });
});
