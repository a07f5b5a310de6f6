/** Messages between the decode pool and its workers (structured clone; pixel buffers transferred). */
export interface DecodeRequest {
  readonly id: number;
  readonly encoding: 'raw' | 'htj2k';
  readonly bytes: ArrayBuffer;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: 8 | 16;
  readonly signed: boolean;
  /** CRC-32 the source published for the decoded pixels; checked when present. */
  readonly crc32?: number;
}

/** Loads the codec ahead of the first frame, so WebAssembly compiles while frames are still in flight. */
export interface WarmRequest {
  readonly id: number;
  readonly warm: true;
}

export type DecodeResponse =
  | { readonly id: number; readonly ok: true; readonly pixels: ArrayBuffer; readonly decodeMs: number; readonly crcChecked: boolean }
  | { readonly id: number; readonly ok: false; readonly error: string };
