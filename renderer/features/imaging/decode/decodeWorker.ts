/// <reference lib="webworker" />
// One decode worker: HTJ2K through the openjph WebAssembly build, uncompressed frames passed through;
// the decoded samples are checked against the source's CRC-32 when it publishes one, then transferred.
import openjphFactory, { type OpenJphModule } from '@cornerstonejs/codec-openjph';
import wasmUrl from '@cornerstonejs/codec-openjph/wasm?url';
import { crc32 } from './crc32.js';
import { rescaleSamples } from './rescale.js';
import type { DecodeRequest, DecodeResponse, WarmRequest } from './protocol.js';
import { WARM_UP_CODESTREAM, WARM_UP_CRC32, WARM_UP_ROUNDS, WARM_UP_SIZE } from './warmUpCodestream.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const startedAt = performance.timeOrigin + performance.now();
let receiveModule: (module: WebAssembly.Module | undefined) => void = () => undefined;
const shared = new Promise<WebAssembly.Module | undefined>((resolve) => (receiveModule = resolve));
let codec: Promise<OpenJphModule> | undefined;
/** Real frames taken so far: the warm-up stops once one arrives. */
let realDecodes = 0;

/** The codec, from the module the pool compiled (instantiating only), or fetched here as a fallback. */
function loadCodec(): Promise<OpenJphModule> {
  codec ??= shared.then((module) =>
    openjphFactory({
      locateFile: (path) => (path.endsWith('.wasm') ? wasmUrl : path),
      print: () => undefined,
      printErr: () => undefined,
      ...(module
        ? {
            instantiateWasm: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
              void WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module));
              return {};
            },
          }
        : {}),
    }),
  );
  return codec;
}

/**
 * The codec, its decoding path and the CRC-32 check made fast before the first real frame: a fresh
 * worker runs WebAssembly in its baseline tier and JavaScript in the interpreter, which made the first
 * frame several times slower than the next ones. Decoding the built-in codestream a few times gets the
 * hot functions optimised; checking its CRC-32 proves the decoder right. A real frame that arrives
 * meanwhile goes first (each round yields to it) and ends the warm-up.
 */
async function warmCodec(): Promise<OpenJphModule> {
  const module = await loadCodec();
  const bytes = Uint8Array.from(atob(WARM_UP_CODESTREAM), (c) => c.charCodeAt(0));
  for (let round = 0; round < WARM_UP_ROUNDS && realDecodes === 0; round++) {
    const pixels = decodeWith(module, { bytes: bytes.buffer, rows: WARM_UP_SIZE, columns: WARM_UP_SIZE, bitsAllocated: 16 });
    if (crc32(pixels) !== WARM_UP_CRC32) throw new Error('The HTJ2K decoder failed its self-test');
    rescaleSamples(pixels, 16, true, 1, -1024);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (realDecodes === 0) growHeapForFullFrames(module);
  return module;
}

/**
 * Grows the codec's WebAssembly heap to what a 512×512 frame needs (encoded, decoded and working
 * buffers), so the first real frame does not pay for growing it: its decode in the viewer bench took
 * 25–37 ms with this against 32–60 ms without (three runs each).
 */
function growHeapForFullFrames(module: OpenJphModule): void {
  const decoder = new module.HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(4 * 1024 * 1024);
  } finally {
    decoder.delete();
  }
}

async function decode(request: DecodeRequest): Promise<Uint8Array> {
  const expected = request.rows * request.columns * (request.bitsAllocated / 8);
  if (request.encoding === 'raw') {
    if (request.bytes.byteLength < expected) throw new Error(`Frame has ${request.bytes.byteLength} bytes, ${expected} expected`);
    return new Uint8Array(request.bytes, 0, expected);
  }
  return decodeWith(await loadCodec(), request);
}

function decodeWith(module: OpenJphModule, request: Pick<DecodeRequest, 'bytes' | 'rows' | 'columns' | 'bitsAllocated'>): Uint8Array {
  const expected = request.rows * request.columns * (request.bitsAllocated / 8);
  const decoder = new module.HTJ2KDecoder();
  try {
    decoder.getEncodedBuffer(request.bytes.byteLength).set(new Uint8Array(request.bytes));
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== request.columns || info.height !== request.rows) {
      throw new Error(`Codestream is ${info.width}x${info.height}, the series says ${request.columns}x${request.rows}`);
    }
    const decoded = decoder.getDecodedBuffer();
    if (decoded.length !== expected) throw new Error(`Decoded ${decoded.length} bytes, ${expected} expected`);
    return decoded.slice();
  } finally {
    decoder.delete();
  }
}

scope.onmessage = (event: MessageEvent<DecodeRequest | WarmRequest>) => {
  if ('warm' in event.data) {
    const { id, module } = event.data;
    receiveModule(module);
    warmCodec().then(
      () => scope.postMessage({ id, ok: true, warm: true, startedAt, readyAt: performance.timeOrigin + performance.now(), sharedModule: module !== undefined } satisfies DecodeResponse),
      (error: unknown) => scope.postMessage({ id, ok: false, warm: true, error: String(error) } satisfies DecodeResponse),
    );
    return;
  }
  const request = event.data;
  realDecodes++;
  const started = performance.now();
  decode(request).then(
    (pixels) => {
      if (request.crc32 !== undefined && crc32(pixels) !== request.crc32 >>> 0) {
        const response: DecodeResponse = { id: request.id, ok: false, error: 'CRC-32 mismatch: the decoded frame differs from what the source published' };
        scope.postMessage(response);
        return;
      }
      const crcChecked = request.crc32 !== undefined;
      if (request.rescale) {
        const { values, min, max } = rescaleSamples(pixels, request.bitsAllocated, request.signed, request.rescale.slope, request.rescale.intercept);
        const response: DecodeResponse = { id: request.id, ok: true, pixels: values.buffer, decodeMs: performance.now() - started, crcChecked, range: { min, max } };
        scope.postMessage(response, [values.buffer]);
        return;
      }
      const buffer = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? (pixels.buffer as ArrayBuffer) : pixels.slice().buffer;
      const response: DecodeResponse = { id: request.id, ok: true, pixels: buffer, decodeMs: performance.now() - started, crcChecked };
      scope.postMessage(response, [buffer]);
    },
    (error: unknown) => {
      const response: DecodeResponse = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
      scope.postMessage(response);
    },
  );
};
