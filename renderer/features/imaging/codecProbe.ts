export type CodecProbeResult = { ok: true; exports: number; ms: number } | { ok: false; error: string };

/** Starts a throwaway worker that compiles the decoder's WebAssembly, and reports how it went. */
export function probeCodec(timeoutMs = 10_000): Promise<CodecProbeResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./codecProbe.worker.ts', import.meta.url), { type: 'module' });
    const finish = (result: CodecProbeResult) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'The decoder did not start in time' }), timeoutMs);
    worker.onmessage = (event: MessageEvent<CodecProbeResult>) => finish(event.data);
    worker.onerror = (event) => finish({ ok: false, error: event.message || 'The decoder worker failed to load' });
  });
}
