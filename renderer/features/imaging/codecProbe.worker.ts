/// <reference lib="webworker" />
// Compiles the HTJ2K codec's WebAssembly inside a worker: proves the CSP ('wasm-unsafe-eval',
// worker-src 'self') and the application/wasm MIME type are right before any study is opened.
import wasmUrl from '@cornerstonejs/codec-openjph/wasm?url';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const started = performance.now();
WebAssembly.compileStreaming(fetch(wasmUrl))
  .then((module) => {
    scope.postMessage({ ok: true, exports: WebAssembly.Module.exports(module).length, ms: performance.now() - started });
  })
  .catch((error: unknown) => {
    scope.postMessage({ ok: false, error: String(error) });
  });
