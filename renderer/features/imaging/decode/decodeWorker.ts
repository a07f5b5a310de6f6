/// <reference lib="webworker" />
// One decode worker: HTJ2K through the openjph WebAssembly build, uncompressed frames passed through;
// the decoded samples are checked against the source's CRC-32 when it publishes one, then transferred.
import openjphFactory, { type OpenJphModule } from '@cornerstonejs/codec-openjph';
import wasmUrl from '@cornerstonejs/codec-openjph/wasm?url';
import { crc32 } from './crc32.js';
import type { DecodeRequest, DecodeResponse, WarmRequest } from './protocol.js';
import { WARM_UP_CODESTREAM, WARM_UP_SIZE } from './warmUpCodestream.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const startedAt = performance.timeOrigin + performance.now();
let receiveModule: (module: WebAssembly.Module | undefined) => void = () => undefined;
const shared = new Promise<WebAssembly.Module | undefined>((resolve) => (receiveModule = resolve));
let codec: Promise<OpenJphModule> | undefined;

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

/** The codec, with its decoding path compiled by one small decode (see WARM_UP_CODESTREAM). */
function warmCodec(): Promise<OpenJphModule> {
  return loadCodec().then((module) => {
    const bytes = Uint8Array.from(atob(WARM_UP_CODESTREAM), (c) => c.charCodeAt(0));
    decodeWith(module, { bytes: bytes.buffer, rows: WARM_UP_SIZE, columns: WARM_UP_SIZE, bitsAllocated: 16 });
    return module;
  });
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
  const started = performance.now();
  decode(request).then(
    (pixels) => {
      if (request.crc32 !== undefined && crc32(pixels) !== request.crc32 >>> 0) {
        const response: DecodeResponse = { id: request.id, ok: false, error: 'CRC-32 mismatch: the decoded frame differs from what the source published' };
        scope.postMessage(response);
        return;
      }
      const buffer = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? (pixels.buffer as ArrayBuffer) : pixels.slice().buffer;
      const response: DecodeResponse = { id: request.id, ok: true, pixels: buffer, decodeMs: performance.now() - started, crcChecked: request.crc32 !== undefined };
      scope.postMessage(response, [buffer]);
    },
    (error: unknown) => {
      const response: DecodeResponse = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
      scope.postMessage(response);
    },
  );
};
