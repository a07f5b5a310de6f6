/** Stored samples as modality values (stored × slope + intercept, e.g. Hounsfield units), with their range. */
export interface Rescaled {
  readonly values: Float32Array<ArrayBuffer>;
  readonly min: number;
  readonly max: number;
}

/**
 * Applies the rescale to decoded samples (little endian, as stored). Done in the decode worker, so the
 * page's thread, which also renders, does not walk every pixel of every slice.
 */
export function rescaleSamples(stored: Uint8Array, bitsAllocated: 8 | 16, signed: boolean, slope: number, intercept: number): Rescaled {
  const aligned = stored.byteOffset % 2 === 0 ? stored : stored.slice();
  const samples =
    bitsAllocated === 16
      ? signed
        ? new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1)
        : new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1)
      : signed
        ? new Int8Array(aligned.buffer, aligned.byteOffset, aligned.byteLength)
        : aligned;
  const values = new Float32Array(samples.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < samples.length; i++) {
    const v = (samples[i] as number) * slope + intercept;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { values, min, max };
}
