import type { EncodedFrame, FrameEncoding, FrameStream } from './imageSource.js';

/**
 * One frame on its way from a source, shared by everyone who asks for it while it arrives: each
 * reader gets every chunk from the first one on, as soon as it is there (so the renderer's response
 * starts before the frame has fully arrived), and `whole` gives the complete frame for the cache.
 * If the transfer breaks off, every reader and `whole` fail with the same error: a partial frame is
 * never handed out as complete.
 */
export class FrameFetch {
  readonly encoding: FrameEncoding;
  readonly crc32: number | undefined;
  /** The complete frame once the last chunk arrived; rejects if the transfer broke off. */
  readonly whole: Promise<EncodedFrame>;
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: () => void = () => undefined;
  private arrival: Promise<void>;

  constructor(stream: FrameStream) {
    this.encoding = stream.encoding;
    this.crc32 = stream.crc32;
    this.arrival = this.nextArrival();
    this.whole = this.pull(stream.chunks);
    // Readers see the failure; `whole` rejecting unobserved must not crash the process.
    this.whole.catch(() => undefined);
  }

  /** Every chunk from the first, as they arrive; ends with the frame, or throws if it broke off. */
  async *read(): AsyncGenerator<Uint8Array> {
    for (let next = 0; ; ) {
      while (next < this.chunks.length) yield this.chunks[next++] as Uint8Array;
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await this.arrival;
    }
  }

  private nextArrival(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private announce(): void {
    const wake = this.wake;
    this.arrival = this.nextArrival();
    wake();
  }

  private async pull(source: FrameStream['chunks']): Promise<EncodedFrame> {
    let length = 0;
    try {
      for await (const chunk of source) {
        if (chunk.length === 0) continue;
        this.chunks.push(chunk);
        length += chunk.length;
        this.announce();
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.announce();
      throw this.failure;
    }
    this.ended = true;
    this.announce();
    const bytes = this.chunks.length === 1 ? (this.chunks[0] as Uint8Array) : concat(this.chunks, length);
    return { encoding: this.encoding, bytes, ...(this.crc32 !== undefined ? { crc32: this.crc32 } : {}) };
  }
}

/** A frame read whole (sources that cannot stream) as a stream of one chunk. */
export function wholeFrameStream(frame: EncodedFrame): FrameStream {
  return { ...frame, chunks: [frame.bytes] };
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
