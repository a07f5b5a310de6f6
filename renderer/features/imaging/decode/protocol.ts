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
  /** When present, the answer is Float32 stored × slope + intercept (after the CRC check), with its range. */
  readonly rescale?: Rescale;
}

export interface Rescale {
  readonly slope: number;
  readonly intercept: number;
}

/**
 * The first message every worker gets: the codec's WebAssembly module, compiled once by the pool and
 * shared, so workers only instantiate it. `module` is absent when the pool could not compile it; the
 * worker then fetches and compiles the codec itself. HTJ2K decodes wait for this message.
 */
export interface WarmRequest {
  readonly id: number;
  readonly warm: true;
  readonly module?: WebAssembly.Module;
}

/** When the worker's script started and its codec became usable (epoch ms), for start-up profiling. */
export interface WarmResponse {
  readonly id: number;
  readonly ok: true;
  readonly warm: true;
  readonly startedAt: number;
  readonly readyAt: number;
  /** Whether it instantiated the pool's compiled module (rather than compiling the codec itself). */
  readonly sharedModule: boolean;
}

export type DecodeResponse =
  | WarmResponse
  | {
      readonly id: number;
      readonly ok: true;
      readonly warm?: undefined;
      readonly pixels: ArrayBuffer;
      readonly decodeMs: number;
      readonly crcChecked: boolean;
      /** The values' range, when they were rescaled. */
      readonly range?: { readonly min: number; readonly max: number };
    }
  | { readonly id: number; readonly ok: false; readonly warm?: true; readonly error: string };
