import { MedicalImagingClient } from '@aws-sdk/client-medical-imaging';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_ROOT, sourceResourcesDir } from '../app/paths.js';
import { AwsClientFactory } from '../aws/awsClientFactory.js';
import { HealthImagingStandIn } from '../../test/standins/healthimaging/healthImagingStandIn.js';
import { tempDir } from '../../test/support/tempDir.js';
import { crc32 } from './crc32.js';
import { DicomFolderSource } from './dicomFolder.js';
import { HealthImagingSource, inflateIfGzip } from './healthImagingSource.js';
import { decodeHtj2k } from './htj2kCodec.js';

const CT_DIR = join(sourceResourcesDir(), 'demo-ct');
const CT_STUDY = '1.3.46.670589.33.1.27492712521914879309.27169771283235650014';
const CT1_STUDY = '1.3.6.1.4.1.5962.1.2.1.20040826185059.5457';
const CT2_STUDY = '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457';

let standIn: HealthImagingStandIn;

function client(accessKeyId = 'AKIDSTANDIN', maxAttempts = 3): MedicalImagingClient {
  const factory = new AwsClientFactory({
    region: () => 'us-east-1',
    credentials: () => async () => ({ accessKeyId, secretAccessKey: 'standin-secret' }),
  });
  return factory.create(MedicalImagingClient, { endpoint: standIn.endpoint, disableHostPrefix: true, maxAttempts });
}

beforeAll(async () => {
  const samples = tempDir('atrium-ahi-');
  copyFileSync(join(SOURCE_ROOT, 'test/fixtures/htj2k/CT1_JPH.dcm'), join(samples, 'a'));
  copyFileSync(join(SOURCE_ROOT, 'test/fixtures/htj2k/CT2_JPH.dcm'), join(samples, 'b'));
  standIn = await HealthImagingStandIn.start({
    dicomDirs: [CT_DIR, samples],
    maxPageSize: 2,
    deniedAccessKeys: ['AKIDDENIED'],
    tags: {
      [CT1_STUDY]: { patientId: 'P-1', accessionNumber: 'ACC-CT1', studyDate: '20040826' },
      [CT2_STUDY]: { patientId: 'P-1', accessionNumber: 'ACC-CT2', studyDate: '20050101' },
    },
  });
});
afterAll(async () => {
  await standIn?.close();
});

describe('HealthImaging through the real SDK against the stand-in', () => {
  it('searches by patient, accession, study UID and date range, following pages', async () => {
    const c = client();
    const all = await HealthImagingSource.search(c, standIn.datastoreId, {}, { pageSize: 2 });
    expect(all.map((s) => s.studyInstanceUid).sort()).toEqual([CT_STUDY, CT1_STUDY, CT2_STUDY].sort());
    const before = standIn.calls.filter((x) => x.operation === 'SearchImageSets').length;
    const byPatient = await HealthImagingSource.search(c, standIn.datastoreId, { patientId: 'P-1' }, { pageSize: 1 });
    expect(byPatient.map((s) => s.accessionNumber).sort()).toEqual(['ACC-CT1', 'ACC-CT2']);
    expect(standIn.calls.filter((x) => x.operation === 'SearchImageSets').length - before).toBe(2);
    expect((await HealthImagingSource.search(c, standIn.datastoreId, { accessionNumber: 'ACC-CT2' })).map((s) => s.studyInstanceUid)).toEqual([CT2_STUDY]);
    expect((await HealthImagingSource.search(c, standIn.datastoreId, { studyInstanceUid: CT_STUDY })).map((s) => s.patientId)).toEqual(['PLASTIC']);
    const range = await HealthImagingSource.search(c, standIn.datastoreId, { studyDateFrom: '20040101', studyDateTo: '20041231' });
    expect(range.map((s) => s.studyInstanceUid)).toEqual([CT1_STUDY]);
    expect(await HealthImagingSource.search(c, standIn.datastoreId, { patientId: 'nobody' })).toEqual([]);
  });

  it('turns gzipped SchemaVersion 1.1 metadata into the same series as the DICOM folder, and frames decode to the same pixels with the published CRC-32', async () => {
    const c = client();
    const [summary] = await HealthImagingSource.search(c, standIn.datastoreId, { studyInstanceUid: CT_STUDY });
    const source = new HealthImagingSource({ client: c, datastoreId: standIn.datastoreId, imageSetIds: [summary!.imageSetId] });
    const meta = await source.metadata(summary!.imageSetId);
    expect(meta.SchemaVersion).toBe('1.1');
    const { studies, errors } = await source.studies();
    expect(errors).toEqual([]);
    const remote = studies[0]!.series[0]!;
    const folder = new DicomFolderSource(CT_DIR);
    const local = (await folder.studies()).studies[0]!.series[0]!;
    expect(remote.frames.map((f) => f.sopInstanceUid)).toEqual(local.frames.map((f) => f.sopInstanceUid));
    expect(remote.geometry).toEqual(local.geometry);
    expect(remote.rescaleIntercept).toBe(-1024);
    expect(remote.windowPresets).toEqual(local.windowPresets);
    for (const index of [0, 13, 27]) {
      const encoded = await source.readFrame(remote, remote.frames[index]!);
      expect(encoded.encoding).toBe('htj2k');
      const pixels = (await decodeHtj2k(encoded.bytes)).pixels;
      const original = (await folder.readFrame(local, local.frames[index]!)).bytes;
      expect(Buffer.compare(Buffer.from(pixels), Buffer.from(original))).toBe(0);
      expect(encoded.crc32).toBe(crc32(original));
    }
  });

  it('maps 403, 404 and 429 to the SDK errors, retrying throttled calls', async () => {
    const c = client();
    await expect(HealthImagingSource.search(client('AKIDDENIED'), standIn.datastoreId, {})).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const missing = new HealthImagingSource({ client: c, datastoreId: standIn.datastoreId, imageSetIds: ['0'.repeat(32)] });
    await expect(missing.metadata('0'.repeat(32))).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    expect((await missing.studies()).errors[0]?.error).toMatch(/not found/);

    standIn.throttleNext = 2;
    const start = standIn.calls.length;
    const found = await HealthImagingSource.search(c, standIn.datastoreId, { studyInstanceUid: CT1_STUDY });
    expect(found).toHaveLength(1);
    expect(standIn.calls.slice(start).map((x) => x.status)).toEqual([429, 429, 200]);

    standIn.throttleNext = 5;
    await expect(HealthImagingSource.search(client('AKIDSTANDIN', 2), standIn.datastoreId, {})).rejects.toMatchObject({ name: 'ThrottlingException' });
    standIn.throttleNext = 0;
  });

  it('reads metadata whether or not the network stack already inflated it', () => {
    const json = new TextEncoder().encode('{"SchemaVersion":"1.1"}');
    expect(new TextDecoder().decode(inflateIfGzip(gzipSync(json)))).toBe('{"SchemaVersion":"1.1"}');
    expect(inflateIfGzip(json)).toBe(json);
  });
});
