/**
 * A local stand-in for AWS HealthImaging's runtime API, speaking the restJson1 wire protocol the real
 * `@aws-sdk/client-medical-imaging` uses (with a custom endpoint and `disableHostPrefix: true`):
 *
 *   POST /datastore/{datastoreId}/searchImageSets?maxResults=&nextToken=   JSON searchCriteria
 *   POST /datastore/{datastoreId}/imageSet/{imageSetId}/getImageSetMetadata[?version=]   gzip JSON
 *   POST /datastore/{datastoreId}/imageSet/{imageSetId}/getImageFrame   {"imageFrameId"} -> HTJ2K
 *
 * Image sets are built from DICOM folders (one per study); every frame is re-encoded as lossless HTJ2K
 * with the codec's HTJ2KEncoder and its checksum published as HealthImaging does (CRC-32 of the
 * decoded pixel data). Errors carry `x-amzn-errortype` and a `{"message"}` body. Latency and a shared
 * bandwidth budget shape every response; tests script throttling and denials. Dev/test only.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { crc32 } from '../../../main/imaging/crc32.js';
import { scanDicomFolder } from '../../../main/imaging/dicomFolder.js';
import { readFrameBytes } from '../../../main/imaging/dicomFile.js';
import { decodeHtj2k, encodeHtj2kLossless } from '../../../main/imaging/htj2kCodec.js';
import { encodingOf } from '../../../main/imaging/imageSource.js';
import type { ImageSeries, ImageStudy } from '../../../main/imaging/seriesModel.js';

export interface StandInImageSet {
  readonly imageSetId: string;
  readonly studyInstanceUid: string;
  readonly patientId: string;
  readonly accessionNumber: string;
  readonly studyDate: string;
  readonly createdAt: number;
  readonly metadata: unknown;
  /** imageFrameId -> HTJ2K codestream. */
  readonly frames: Map<string, Uint8Array>;
}

export interface HealthImagingStandInOptions {
  readonly dicomDirs: readonly string[];
  readonly datastoreId?: string;
  /** Delay before each response starts (ms). */
  readonly latencyMs?: number;
  /** Shared link budget for response bodies (bytes per second); unlimited when absent. */
  readonly bytesPerSecond?: number;
  /** Per-study overrides of what search sees (the demo data has one patient). */
  readonly tags?: Readonly<Record<string, { patientId?: string; accessionNumber?: string; studyDate?: string }>>;
  /** Access key ids that get 403 AccessDeniedException. */
  readonly deniedAccessKeys?: readonly string[];
  /** Max page size of SearchImageSets (the real service caps it too). */
  readonly maxPageSize?: number;
}

export interface LoggedCall {
  readonly operation: string;
  readonly status: number;
  readonly path: string;
}

/**
 * Where the next GetImageFrame body pauses, and what happens when `then` settles: the rest follows,
 * or the connection is cut mid-frame. (Cut at once, the SDK would see it before the body and retry.)
 */
export interface FrameBreak {
  readonly afterBytes: number;
  readonly then: Promise<'go on' | 'cut'>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function studyMetadata(datastoreId: string, imageSetId: string, study: ImageStudy, patientId: string, accession: string, frameIds: Map<string, string>, checksums: Map<string, number>): unknown {
  const seriesOut: Record<string, unknown> = {};
  for (const series of study.series) {
    const instances: Record<string, { DICOM: Record<string, unknown>; StoredTransferSyntaxUID: string; ImageFrames: unknown[] }> = {};
    for (const frame of series.frames) {
      const instance = (instances[frame.sopInstanceUid] ??= {
        DICOM: instanceDicom(series, frame.instanceNumber, frame.position, frame.rescaleSlope, frame.rescaleIntercept, frame.sopInstanceUid, frame.numberOfFrames),
        StoredTransferSyntaxUID: '1.2.840.10008.1.2.4.202',
        ImageFrames: [],
      });
      const id = frameIds.get(frame.locator) as string;
      instance.ImageFrames[frame.frameNumber - 1] = {
        ID: id,
        FrameSizeInBytes: series.format.rows * series.format.columns * (series.format.bitsAllocated / 8),
        PixelDataChecksumFromBaseToFullResolution: [{ Width: series.format.columns, Height: series.format.rows, Checksum: checksums.get(id) }],
      };
      if (frame.numberOfFrames > 1) {
        const groups = (instance.DICOM.PerFrameFunctionalGroupsSequence ??= []) as unknown[];
        groups[frame.frameNumber - 1] = { PlanePositionSequence: [{ ImagePositionPatient: frame.position }] };
      }
    }
    seriesOut[series.seriesInstanceUid] = {
      DICOM: {
        Modality: series.modality,
        SeriesInstanceUID: series.seriesInstanceUid,
        SeriesDescription: series.description,
        ...(series.seriesNumber !== null ? { SeriesNumber: String(series.seriesNumber) } : {}),
      },
      Instances: instances,
    };
  }
  return {
    SchemaVersion: '1.1',
    DatastoreID: datastoreId,
    ImageSetID: imageSetId,
    Patient: { DICOM: { PatientID: patientId, PatientName: 'STAND^IN' } },
    Study: {
      DICOM: { StudyInstanceUID: study.studyInstanceUid, StudyDate: study.studyDate ?? '', AccessionNumber: accession, StudyDescription: study.description },
      Series: seriesOut,
    },
  };
}

function instanceDicom(
  series: ImageSeries,
  instanceNumber: number | null,
  position: readonly number[] | null,
  slope: number,
  intercept: number,
  sopInstanceUid: string,
  numberOfFrames: number,
): Record<string, unknown> {
  const f = series.format;
  const g = series.geometry;
  return {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: sopInstanceUid,
    ...(instanceNumber !== null ? { InstanceNumber: String(instanceNumber) } : {}),
    ...(position ? { ImagePositionPatient: position } : {}),
    ...(g.orientation ? { ImageOrientationPatient: g.orientation } : {}),
    PixelSpacing: [g.spacing[1], g.spacing[0]],
    ...(g.sliceThickness !== null ? { SliceThickness: String(g.sliceThickness) } : {}),
    Rows: f.rows,
    Columns: f.columns,
    BitsAllocated: f.bitsAllocated,
    BitsStored: f.bitsStored,
    HighBit: f.bitsStored - 1,
    PixelRepresentation: f.pixelRepresentation,
    SamplesPerPixel: f.samplesPerPixel,
    PhotometricInterpretation: f.photometricInterpretation,
    RescaleSlope: String(slope),
    RescaleIntercept: String(intercept),
    ...(numberOfFrames > 1 ? { NumberOfFrames: String(numberOfFrames) } : {}),
    ...(series.windowPresets.length > 0
      ? {
          WindowCenter: series.windowPresets.map((w) => String(w.center)),
          WindowWidth: series.windowPresets.map((w) => String(w.width)),
          WindowCenterWidthExplanation: series.windowPresets.map((w) => w.name ?? ''),
        }
      : {}),
  };
}

export class HealthImagingStandIn {
  readonly datastoreId: string;
  readonly imageSets: StandInImageSet[] = [];
  readonly calls: LoggedCall[] = [];
  /** The next N requests answer 429 ThrottlingException. */
  throttleNext = 0;
  latencyMs: number;
  bytesPerSecond: number | undefined;
  /** Set by `breakNextFrame`; taken by the next GetImageFrame. */
  private frameBreak: FrameBreak | undefined;
  private server: Server | undefined;
  private linkFreeAt = 0;
  private readonly denied: Set<string>;

  private constructor(private readonly options: HealthImagingStandInOptions) {
    this.datastoreId = options.datastoreId ?? randomBytes(16).toString('hex');
    this.latencyMs = options.latencyMs ?? 0;
    this.bytesPerSecond = options.bytesPerSecond;
    this.denied = new Set(options.deniedAccessKeys ?? []);
  }

  static async start(options: HealthImagingStandInOptions, port = 0): Promise<HealthImagingStandIn> {
    const standIn = new HealthImagingStandIn(options);
    await standIn.load();
    await standIn.listen(port);
    return standIn;
  }

  /** The next GetImageFrame response pauses after `afterBytes` bytes of its body (see FrameBreak). */
  breakNextFrame(frameBreak: FrameBreak): void {
    this.frameBreak = frameBreak;
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async load(): Promise<void> {
    let created = 1_700_000_000;
    for (const dir of this.options.dicomDirs) {
      const scan = await scanDicomFolder(dir);
      for (const study of scan.studies) {
        const imageSetId = randomBytes(16).toString('hex');
        const frames = new Map<string, Uint8Array>();
        const frameIds = new Map<string, string>();
        const checksums = new Map<string, number>();
        for (const series of study.series) {
          for (const frame of series.frames) {
            const where = scan.extents.get(frame.locator);
            if (!where) continue;
            const stored = await readFrameBytes(where.file, where.extent);
            const encoding = encodingOf(frame.transferSyntaxUid);
            const pixels = encoding === 'htj2k' ? (await decodeHtj2k(stored)).pixels : stored;
            const f = series.format;
            const codestream = await encodeHtj2kLossless(pixels, {
              width: f.columns,
              height: f.rows,
              bitsPerSample: f.bitsAllocated,
              componentCount: f.samplesPerPixel,
              isSigned: f.pixelRepresentation === 1,
            });
            const id = randomBytes(16).toString('hex');
            frames.set(id, codestream);
            frameIds.set(frame.locator, id);
            checksums.set(id, crc32(pixels));
          }
        }
        const tags = this.options.tags?.[study.studyInstanceUid] ?? {};
        const patientId = tags.patientId ?? 'PLASTIC';
        const accessionNumber = tags.accessionNumber ?? `ACC${this.imageSets.length + 1}`;
        const studyDate = tags.studyDate ?? study.studyDate ?? '';
        this.imageSets.push({
          imageSetId,
          studyInstanceUid: study.studyInstanceUid,
          patientId,
          accessionNumber,
          studyDate,
          createdAt: created++,
          metadata: studyMetadata(this.datastoreId, imageSetId, { ...study, studyDate }, patientId, accessionNumber, frameIds, checksums),
          frames,
        });
      }
    }
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', () => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let operation = 'unknown';
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      if (req.method !== 'POST' || parts[0] !== 'datastore') throw new HttpError(404, 'ResourceNotFoundException', 'No such operation');
      if (parts.length === 3 && parts[2] === 'searchImageSets') operation = 'SearchImageSets';
      else if (parts.length === 5 && parts[2] === 'imageSet' && parts[4] === 'getImageSetMetadata') operation = 'GetImageSetMetadata';
      else if (parts.length === 5 && parts[2] === 'imageSet' && parts[4] === 'getImageFrame') operation = 'GetImageFrame';
      else throw new HttpError(404, 'ResourceNotFoundException', 'No such operation');

      const auth = str(req.headers.authorization);
      const accessKey = /Credential=([^/]+)\//.exec(auth)?.[1];
      if (!auth.startsWith('AWS4-HMAC-SHA256 ') || !accessKey || !/\/medical-imaging\/aws4_request/.test(auth)) {
        throw new HttpError(403, 'AccessDeniedException', 'Missing or malformed SigV4 authorization');
      }
      if (this.denied.has(accessKey)) throw new HttpError(403, 'AccessDeniedException', `User is not authorized to perform: medical-imaging:${operation}`);
      if (this.throttleNext > 0) {
        this.throttleNext--;
        throw new HttpError(429, 'ThrottlingException', 'Rate exceeded');
      }
      if (parts[1] !== this.datastoreId) throw new HttpError(404, 'ResourceNotFoundException', `Datastore ${parts[1]} not found`);

      if (operation === 'SearchImageSets') return await this.search(url, body, res, operation);
      const imageSet = this.imageSets.find((s) => s.imageSetId === parts[3]);
      if (!imageSet) throw new HttpError(404, 'ResourceNotFoundException', `Image set ${parts[3]} not found`);
      if (operation === 'GetImageSetMetadata') {
        const version = url.searchParams.get('version');
        if (version !== null && version !== '1') throw new HttpError(404, 'ResourceNotFoundException', `Version ${version} not found`);
        return await this.send(res, 200, operation, url.pathname, gzipSync(JSON.stringify(imageSet.metadata)), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        });
      }
      const parsed = JSON.parse(body || '{}') as { imageFrameId?: unknown };
      const frameId = str(parsed.imageFrameId);
      if (!frameId) throw new HttpError(400, 'ValidationException', 'imageFrameInformation.imageFrameId is required');
      const frame = imageSet.frames.get(frameId);
      if (!frame) throw new HttpError(404, 'ResourceNotFoundException', `Image frame ${frameId} not found`);
      const frameBreak = this.frameBreak;
      this.frameBreak = undefined;
      return await this.send(res, 200, operation, url.pathname, frame, { 'content-type': 'application/octet-stream' }, frameBreak);
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'InternalServerException', (error as Error).message);
      await this.send(res, e.status, operation, url.pathname, Buffer.from(JSON.stringify({ message: e.message })), {
        'content-type': 'application/json',
        'x-amzn-errortype': e.type,
      });
    }
  }

  private async search(url: URL, body: string, res: ServerResponse, operation: string): Promise<void> {
    // searchCriteria is the HTTP payload: the body is the SearchCriteria object itself.
    const criteria = JSON.parse(body || '{}') as { filters?: { values?: Record<string, unknown>[]; operator?: string }[] };
    const filters = criteria.filters ?? [];
    const matches = this.imageSets.filter((set) =>
      filters.every((filter) => {
        const values = filter.values ?? [];
        const first = values[0] ?? {};
        if (filter.operator === 'BETWEEN') {
          if (values.length !== 2) throw new HttpError(400, 'ValidationException', 'BETWEEN takes two values');
          const date = (v: Record<string, unknown> | undefined): string => str((v?.DICOMStudyDateAndTime as Record<string, unknown> | undefined)?.DICOMStudyDate);
          const from = date(values[0]);
          const to = date(values[1]);
          if (!from || !to) throw new HttpError(400, 'ValidationException', 'Only DICOMStudyDateAndTime ranges are supported here');
          return set.studyDate >= from && set.studyDate <= to;
        }
        if (filter.operator !== 'EQUAL' || values.length !== 1) throw new HttpError(400, 'ValidationException', 'EQUAL takes one value');
        if ('DICOMPatientId' in first) return set.patientId === first.DICOMPatientId;
        if ('DICOMAccessionNumber' in first) return set.accessionNumber === first.DICOMAccessionNumber;
        if ('DICOMStudyInstanceUID' in first) return set.studyInstanceUid === first.DICOMStudyInstanceUID;
        if ('DICOMStudyDateAndTime' in first) return set.studyDate === str((first.DICOMStudyDateAndTime as Record<string, unknown>).DICOMStudyDate);
        throw new HttpError(400, 'ValidationException', `Unsupported filter ${Object.keys(first).join(',')}`);
      }),
    );
    const max = Math.min(Number(url.searchParams.get('maxResults') ?? 50) || 50, this.options.maxPageSize ?? 50);
    const start = url.searchParams.get('nextToken') ? Number(Buffer.from(url.searchParams.get('nextToken') as string, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw new HttpError(400, 'ValidationException', 'Invalid nextToken');
    const page = matches.slice(start, start + max);
    const next = start + max < matches.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    const response = {
      imageSetsMetadataSummaries: page.map((set) => ({
        imageSetId: set.imageSetId,
        version: 1,
        createdAt: set.createdAt,
        updatedAt: set.createdAt,
        DICOMTags: {
          DICOMPatientId: set.patientId,
          DICOMPatientName: 'STAND^IN',
          DICOMStudyInstanceUID: set.studyInstanceUid,
          DICOMAccessionNumber: set.accessionNumber,
          DICOMStudyDate: set.studyDate,
          DICOMNumberOfStudyRelatedSeries: Object.keys((set.metadata as { Study: { Series: object } }).Study.Series).length,
          DICOMNumberOfStudyRelatedInstances: set.frames.size,
        },
      })),
      ...(next ? { nextToken: next } : {}),
    };
    await this.send(res, 200, operation, url.pathname, Buffer.from(JSON.stringify(response)), { 'content-type': 'application/json' });
  }

  /** Writes a response after the configured latency, paced by the shared bandwidth budget. */
  private async send(res: ServerResponse, status: number, operation: string, path: string, body: Uint8Array, headers: Record<string, string>, frameBreak?: FrameBreak): Promise<void> {
    this.calls.push({ operation, status, path });
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    res.writeHead(status, { ...headers, 'content-length': String(body.length), 'x-amzn-requestid': randomBytes(8).toString('hex') });
    const stop = frameBreak ? Math.min(frameBreak.afterBytes, body.length) : body.length;
    if (!(await this.write(res, body.subarray(0, stop)))) return;
    if (frameBreak) {
      if ((await frameBreak.then) === 'cut') {
        res.destroy();
        return;
      }
      if (!(await this.write(res, body.subarray(stop)))) return;
    }
    res.end();
  }

  /** Body bytes at the link's pace; false once the client has gone. */
  private async write(res: ServerResponse, bytes: Uint8Array): Promise<boolean> {
    const rate = this.bytesPerSecond;
    const chunk = rate ? 16 * 1024 : Math.max(1, bytes.length);
    for (let at = 0; at < bytes.length; at += chunk) {
      const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
      if (rate) {
        const now = performance.now();
        this.linkFreeAt = Math.max(this.linkFreeAt, now) + (part.length / rate) * 1000;
        const wait = this.linkFreeAt - now;
        if (wait > 1) await sleep(wait);
      }
      if (res.destroyed) return false;
      res.write(part);
    }
    return !res.destroyed;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
