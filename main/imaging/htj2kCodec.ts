import { createRequire } from 'node:module';

/**
 * HTJ2K in Node through @cornerstonejs/codec-openjph (an Emscripten build: a CommonJS factory that
 * loads `openjphjs.wasm` from beside itself). Used by the CLI for checksums of HTJ2K files, by the
 * HealthImaging stand-in to encode frames, and by tests; the renderer decodes in its own workers.
 */
export interface Htj2kFrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned: boolean;
}

interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): Htj2kFrameInfo & { isUsingColorTransform: boolean };
  delete(): void;
}
interface EmbindEncoder {
  getDecodedBuffer(info: Htj2kFrameInfo & { isUsingColorTransform: boolean }): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  setQuality(lossless: boolean, quantizationStep: number): void;
  setDecompositions(levels: number): void;
  encode(): void;
  delete(): void;
}
interface OpenJphModule {
  HTJ2KDecoder: new () => EmbindDecoder;
  HTJ2KEncoder: new () => EmbindEncoder;
}

let modulePromise: Promise<OpenJphModule> | undefined;

function loadModule(): Promise<OpenJphModule> {
  modulePromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const factory = require('@cornerstonejs/codec-openjph') as (options?: object) => Promise<OpenJphModule>;
    return factory({ print: () => undefined, printErr: () => undefined });
  })();
  return modulePromise;
}

export class Htj2kError extends Error {
  override readonly name = 'Htj2kError';
}

export interface DecodedFrame {
  readonly info: Htj2kFrameInfo;
  /** Little-endian samples exactly as the codestream holds them (a copy, outside the WASM heap). */
  readonly pixels: Uint8Array;
}

export async function decodeHtj2k(codestream: Uint8Array): Promise<DecodedFrame> {
  const codec = await loadModule();
  const decoder = new codec.HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(codestream.length).set(codestream);
    try {
      decoder.decode();
    } catch (error) {
      throw new Htj2kError(`HTJ2K decode failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { width, height, bitsPerSample, componentCount, isSigned } = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const expected = width * height * componentCount * (bitsPerSample > 8 ? 2 : 1);
    if (width === 0 || height === 0 || decoded.length !== expected) throw new Htj2kError('HTJ2K codestream decoded to an unexpected size');
    return { info: { width, height, bitsPerSample, componentCount, isSigned }, pixels: Uint8Array.from(decoded) };
  } finally {
    decoder.delete();
  }
}

/** Lossless (reversible) HTJ2K of one frame of little-endian samples. */
export async function encodeHtj2kLossless(pixels: Uint8Array, info: Htj2kFrameInfo, decompositions = 5): Promise<Uint8Array> {
  const codec = await loadModule();
  const encoder = new codec.HTJ2KEncoder();
  try {
    const input = encoder.getDecodedBuffer({ ...info, isUsingColorTransform: false });
    if (input.length !== pixels.length) throw new Htj2kError(`Frame has ${pixels.length} bytes, expected ${input.length}`);
    input.set(pixels);
    encoder.setQuality(true, 0);
    encoder.setDecompositions(decompositions);
    encoder.encode();
    return Uint8Array.from(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}
