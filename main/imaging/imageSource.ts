import type { ImageSeries, ImageStudy, SeriesFrame } from './seriesModel.js';

/** Transfer syntaxes Atrium decodes. Everything else is reported per file as unsupported. */
export const TRANSFER_SYNTAX = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kLosslessRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
} as const;

export type FrameEncoding = 'raw' | 'htj2k';

export function encodingOf(transferSyntaxUid: string): FrameEncoding | null {
  switch (transferSyntaxUid) {
    case TRANSFER_SYNTAX.implicitLittle:
    case TRANSFER_SYNTAX.explicitLittle:
      return 'raw';
    case TRANSFER_SYNTAX.htj2kLossless:
    case TRANSFER_SYNTAX.htj2kLosslessRpcl:
    case TRANSFER_SYNTAX.htj2k:
      return 'htj2k';
    default:
      return null;
  }
}

/** One frame as the source stores it: raw little-endian samples, or an HTJ2K codestream. */
export interface EncodedFrame {
  readonly encoding: FrameEncoding;
  readonly bytes: Uint8Array;
  /** CRC-32 of the decoded pixel data, where the source publishes one (HealthImaging does). */
  readonly crc32?: number;
}

/** A frame as it arrives: what it is up front, its bytes in pieces (HealthImaging streams the body). */
export interface FrameStream {
  readonly encoding: FrameEncoding;
  readonly crc32?: number;
  /** Throws if the transfer breaks off before the whole frame arrived. */
  readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** A per-file (or per-image-set) problem that did not stop the rest from loading. */
export interface SourceError {
  readonly file: string;
  readonly error: string;
}

/**
 * Where images come from: a DICOM folder on disk or an AWS HealthImaging datastore. Both produce the
 * same series model; frames come back encoded, and decoding happens in the renderer's workers.
 */
export interface ImageSource {
  readonly kind: 'dicom-folder' | 'healthimaging';
  /** Studies with their series, frames in display order. */
  studies(signal?: AbortSignal): Promise<{ studies: ImageStudy[]; errors: SourceError[] }>;
  readFrame(series: ImageSeries, frame: SeriesFrame, signal?: AbortSignal): Promise<EncodedFrame>;
  /** The frame as it arrives, for sources that can stream it; others are read whole with readFrame. */
  streamFrame?(series: ImageSeries, frame: SeriesFrame, signal?: AbortSignal): Promise<FrameStream>;
}
