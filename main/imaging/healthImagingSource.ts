import {
  GetImageFrameCommand,
  GetImageSetMetadataCommand,
  SearchImageSetsCommand,
  type MedicalImagingClient,
  type SearchFilter,
} from '@aws-sdk/client-medical-imaging';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { encodingOf, type EncodedFrame, type FrameStream, type ImageSource, type SourceError } from './imageSource.js';
import { buildSeries, windowPresets, type FrameInput, type ImageSeries, type ImageStudy, type SeriesFrame, type Vec3 } from './seriesModel.js';

/**
 * The AWS HealthImaging adapter of the ImageSource port. Search finds image sets (one study each);
 * metadata (gzipped JSON, SchemaVersion 1.1) becomes the same series model as a DICOM folder; frames
 * come back as HTJ2K codestreams with the checksum HealthImaging publishes for them. Credentials stay
 * in main: the client comes from the AWS client factory.
 */
export interface ImageSetQuery {
  readonly patientId?: string;
  readonly accessionNumber?: string;
  readonly studyInstanceUid?: string;
  /** Inclusive StudyDate range, YYYYMMDD. */
  readonly studyDateFrom?: string;
  readonly studyDateTo?: string;
}

export interface ImageSetSummary {
  readonly imageSetId: string;
  readonly version: number | null;
  readonly patientId: string | null;
  readonly studyInstanceUid: string | null;
  readonly accessionNumber: string | null;
  readonly studyDate: string | null;
  readonly updatedAt: Date | null;
}

const numberish = z.union([z.number(), z.string().transform((s, ctx) => {
  const n = Number.parseFloat(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${s.slice(0, 20)}` });
    return z.NEVER;
  }
  return n;
})]);
const numberList = z.union([z.array(numberish), z.string().transform((s) => s.split('\\').map(Number).filter(Number.isFinite))]);
const stringList = z.union([z.array(z.string()), z.string().transform((s) => s.split('\\'))]);

const InstanceDicom = z.looseObject({
  SOPInstanceUID: z.string().optional(),
  InstanceNumber: numberish.optional(),
  ImagePositionPatient: numberList.optional(),
  ImageOrientationPatient: numberList.optional(),
  PixelSpacing: numberList.optional(),
  SliceThickness: numberish.optional(),
  GantryDetectorTilt: numberish.optional(),
  Rows: numberish,
  Columns: numberish,
  BitsAllocated: numberish,
  BitsStored: numberish.optional(),
  PixelRepresentation: numberish.optional(),
  SamplesPerPixel: numberish.optional(),
  PhotometricInterpretation: z.string().optional(),
  RescaleSlope: numberish.optional(),
  RescaleIntercept: numberish.optional(),
  NumberOfFrames: numberish.optional(),
  WindowCenter: numberList.optional(),
  WindowWidth: numberList.optional(),
  WindowCenterWidthExplanation: stringList.optional(),
  PerFrameFunctionalGroupsSequence: z
    .array(z.looseObject({ PlanePositionSequence: z.array(z.looseObject({ ImagePositionPatient: numberList.optional() })).optional() }))
    .optional(),
});
const ImageFrame = z.looseObject({
  ID: z.string().min(1),
  PixelDataChecksumFromBaseToFullResolution: z.array(z.looseObject({ Width: z.number().optional(), Height: z.number().optional(), Checksum: z.number() })).optional(),
});
const Instance = z.looseObject({
  DICOM: InstanceDicom,
  StoredTransferSyntaxUID: z.string().optional(),
  ImageFrames: z.array(ImageFrame).optional(),
});
const Series = z.looseObject({
  DICOM: z.looseObject({ Modality: z.string().optional(), SeriesInstanceUID: z.string().optional(), SeriesDescription: z.string().optional(), SeriesNumber: numberish.optional() }),
  Instances: z.record(z.string(), Instance),
});
export const ImageSetMetadataSchema = z.looseObject({
  SchemaVersion: z.string(),
  ImageSetID: z.string(),
  Patient: z.looseObject({ DICOM: z.looseObject({}).optional() }).optional(),
  Study: z.looseObject({
    DICOM: z.looseObject({ StudyInstanceUID: z.string(), StudyDate: z.string().optional(), StudyDescription: z.string().optional() }),
    Series: z.record(z.string(), Series),
  }),
});
export type ImageSetMetadata = z.infer<typeof ImageSetMetadataSchema>;

const MAX_METADATA_BYTES = 512 * 1024 * 1024;

/** Metadata bodies are gzip; some network stacks inflate them on the way. Decide by the magic bytes. */
export function inflateIfGzip(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes, { maxOutputLength: MAX_METADATA_BYTES });
  return bytes;
}

function vec3(values: readonly number[] | undefined): Vec3 | null {
  return values && values.length >= 3 ? [values[0] as number, values[1] as number, values[2] as number] : null;
}

export interface HealthImagingSourceOptions {
  readonly client: MedicalImagingClient;
  readonly datastoreId: string;
  /** The image sets this source shows (e.g. the result of a search the user opened). */
  readonly imageSetIds: readonly string[];
}

export class HealthImagingSource implements ImageSource {
  readonly kind = 'healthimaging';

  constructor(private readonly options: HealthImagingSourceOptions) {}

  /** Every image set matching the query (all pages, up to `limit`). */
  static async search(client: MedicalImagingClient, datastoreId: string, query: ImageSetQuery, options: { pageSize?: number; limit?: number; signal?: AbortSignal } = {}): Promise<ImageSetSummary[]> {
    const filters: SearchFilter[] = [];
    if (query.patientId) filters.push({ operator: 'EQUAL', values: [{ DICOMPatientId: query.patientId }] });
    if (query.accessionNumber) filters.push({ operator: 'EQUAL', values: [{ DICOMAccessionNumber: query.accessionNumber }] });
    if (query.studyInstanceUid) filters.push({ operator: 'EQUAL', values: [{ DICOMStudyInstanceUID: query.studyInstanceUid }] });
    if (query.studyDateFrom || query.studyDateTo) {
      filters.push({
        operator: 'BETWEEN',
        values: [
          { DICOMStudyDateAndTime: { DICOMStudyDate: query.studyDateFrom ?? '19000101', DICOMStudyTime: '000000' } },
          { DICOMStudyDateAndTime: { DICOMStudyDate: query.studyDateTo ?? '99991231', DICOMStudyTime: '235959' } },
        ],
      });
    }
    const out: ImageSetSummary[] = [];
    const limit = options.limit ?? 1000;
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new SearchImageSetsCommand({
          datastoreId,
          ...(filters.length > 0 ? { searchCriteria: { filters } } : {}),
          maxResults: options.pageSize ?? 50,
          ...(nextToken ? { nextToken } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      for (const s of page.imageSetsMetadataSummaries ?? []) {
        if (!s.imageSetId) continue;
        out.push({
          imageSetId: s.imageSetId,
          version: s.version ?? null,
          patientId: s.DICOMTags?.DICOMPatientId ?? null,
          studyInstanceUid: s.DICOMTags?.DICOMStudyInstanceUID ?? null,
          accessionNumber: s.DICOMTags?.DICOMAccessionNumber ?? null,
          studyDate: s.DICOMTags?.DICOMStudyDate ?? null,
          updatedAt: s.updatedAt ?? null,
        });
      }
      nextToken = page.nextToken;
    } while (nextToken && out.length < limit);
    return out.slice(0, limit);
  }

  async metadata(imageSetId: string, signal?: AbortSignal): Promise<ImageSetMetadata> {
    const response = await this.options.client.send(
      new GetImageSetMetadataCommand({ datastoreId: this.options.datastoreId, imageSetId }),
      signal ? { abortSignal: signal } : {},
    );
    if (!response.imageSetMetadataBlob) throw new Error(`Image set ${imageSetId}: empty metadata`);
    const bytes = inflateIfGzip(await response.imageSetMetadataBlob.transformToByteArray());
    return ImageSetMetadataSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  }

  async studies(signal?: AbortSignal): Promise<{ studies: ImageStudy[]; errors: SourceError[] }> {
    const studies: ImageStudy[] = [];
    const errors: SourceError[] = [];
    for (const imageSetId of this.options.imageSetIds) {
      try {
        studies.push(studyFromMetadata(await this.metadata(imageSetId, signal)));
      } catch (error) {
        if (signal?.aborted) throw error;
        errors.push({ file: imageSetId, error: (error as Error).message });
      }
    }
    return { studies, errors };
  }

  async readFrame(series: ImageSeries, frame: SeriesFrame, signal?: AbortSignal): Promise<EncodedFrame> {
    const stream = await this.streamFrame(series, frame, signal);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream.chunks) chunks.push(chunk);
    return { encoding: stream.encoding, bytes: Buffer.concat(chunks), ...(stream.crc32 !== undefined ? { crc32: stream.crc32 } : {}) };
  }

  /** GetImageFrame with its body passed on as it arrives; a transfer that breaks off throws, saying so. */
  async streamFrame(series: ImageSeries, frame: SeriesFrame, signal?: AbortSignal): Promise<FrameStream> {
    void series;
    const [imageSetId, imageFrameId] = frame.locator.split('/');
    if (!imageSetId || !imageFrameId) throw new Error(`Not a HealthImaging frame locator: ${frame.locator}`);
    const response = await this.options.client.send(
      new GetImageFrameCommand({ datastoreId: this.options.datastoreId, imageSetId, imageFrameInformation: { imageFrameId } }),
      signal ? { abortSignal: signal } : {},
    );
    const body = response.imageFrameBlob;
    if (!body) throw new Error(`Frame ${imageFrameId}: empty body`);
    // In Node the SDK's body is the HTTP response stream; elsewhere it can only be read whole.
    const source: FrameStream['chunks'] = Symbol.asyncIterator in body ? (body as AsyncIterable<Uint8Array>) : [await body.transformToByteArray()];
    return { encoding: 'htj2k', chunks: brokenOffSaysSo(source, imageFrameId), ...(frame.crc32 !== undefined ? { crc32: frame.crc32 } : {}) };
  }
}

/**
 * The body's chunks; a body that breaks off throws, saying so. Node's HTTP response can end quietly
 * when the connection drops mid-body: it then says it is not `complete` (fewer bytes than its
 * Content-Length), which counts as breaking off too.
 */
async function* brokenOffSaysSo(source: FrameStream['chunks'], imageFrameId: string): AsyncGenerator<Uint8Array> {
  let received = 0;
  const brokenOff = (reason: string, cause?: unknown) =>
    new Error(`Frame ${imageFrameId}: the transfer from HealthImaging broke off after ${received} bytes (${reason})`, cause === undefined ? {} : { cause });
  try {
    for await (const chunk of source) {
      received += chunk.length;
      yield chunk;
    }
  } catch (error) {
    throw brokenOff(error instanceof Error ? error.message : String(error), error);
  }
  if ((source as { complete?: unknown }).complete === false) throw brokenOff('the connection closed before the end of the body');
}

/** The series model from HealthImaging metadata; locators are `<imageSetId>/<imageFrameId>`. */
export function studyFromMetadata(metadata: ImageSetMetadata): ImageStudy {
  const study = metadata.Study;
  const series: ImageSeries[] = [];
  for (const [seriesUid, s] of Object.entries(study.Series)) {
    const inputs: FrameInput[] = [];
    let presets: ReturnType<typeof windowPresets> = [];
    for (const [sopUid, instance] of Object.entries(s.Instances)) {
      const d = instance.DICOM;
      const ts = instance.StoredTransferSyntaxUID ?? '1.2.840.10008.1.2.4.202';
      if (encodingOf(ts) !== 'htj2k') continue;
      if (presets.length === 0) presets = windowPresets(d.WindowCenter ?? [], d.WindowWidth ?? [], d.WindowCenterWidthExplanation ?? []);
      const frames = instance.ImageFrames ?? [];
      frames.forEach((f, i) => {
        const perFrame = vec3(d.PerFrameFunctionalGroupsSequence?.[i]?.PlanePositionSequence?.[0]?.ImagePositionPatient);
        const checksum = f.PixelDataChecksumFromBaseToFullResolution?.at(-1)?.Checksum;
        const bitsAllocated = d.BitsAllocated;
        inputs.push({
          sopInstanceUid: d.SOPInstanceUID ?? sopUid,
          frameNumber: i + 1,
          numberOfFrames: frames.length,
          instanceNumber: d.InstanceNumber ?? null,
          position: perFrame ?? (i === 0 ? vec3(d.ImagePositionPatient) : null),
          orientation: d.ImageOrientationPatient ?? null,
          pixelSpacing: d.PixelSpacing && d.PixelSpacing.length >= 2 ? [d.PixelSpacing[0] as number, d.PixelSpacing[1] as number] : null,
          sliceThickness: d.SliceThickness ?? null,
          rescaleSlope: d.RescaleSlope ?? 1,
          rescaleIntercept: d.RescaleIntercept ?? 0,
          gantryTilt: d.GantryDetectorTilt ?? null,
          format: {
            rows: d.Rows,
            columns: d.Columns,
            bitsAllocated,
            bitsStored: d.BitsStored ?? bitsAllocated,
            pixelRepresentation: d.PixelRepresentation === 1 ? 1 : 0,
            samplesPerPixel: d.SamplesPerPixel ?? 1,
            photometricInterpretation: d.PhotometricInterpretation ?? 'MONOCHROME2',
          },
          locator: `${metadata.ImageSetID}/${f.ID}`,
          transferSyntaxUid: ts,
          ...(checksum !== undefined ? { crc32: checksum >>> 0 } : {}),
        });
      });
    }
    if (inputs.length === 0) continue;
    series.push(
      buildSeries(
        {
          studyInstanceUid: study.DICOM.StudyInstanceUID,
          seriesInstanceUid: s.DICOM.SeriesInstanceUID ?? seriesUid,
          modality: s.DICOM.Modality ?? '',
          description: s.DICOM.SeriesDescription ?? '',
          seriesNumber: s.DICOM.SeriesNumber ?? null,
          windowPresets: presets,
        },
        inputs,
      ),
    );
  }
  return { studyInstanceUid: study.DICOM.StudyInstanceUID, studyDate: study.DICOM.StudyDate ?? null, description: study.DICOM.StudyDescription ?? '', series };
}
