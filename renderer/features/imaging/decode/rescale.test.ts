import { describe, expect, it } from 'vitest';
import { rescaleSamples } from './rescale';

function bytesOf(samples: Int16Array | Uint16Array | Int8Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

describe('rescaling decoded samples', () => {
  it('applies slope and intercept to signed 16-bit samples and reports the range', () => {
    const out = rescaleSamples(bytesOf(Int16Array.of(-1000, 0, 40, 3071)), 16, true, 1, -24);
    expect([...out.values]).toEqual([-1024, -24, 16, 3047]);
    expect(out).toMatchObject({ min: -1024, max: 3047 });
  });

  it('reads unsigned 16-bit samples as unsigned, with a fractional slope', () => {
    const out = rescaleSamples(bytesOf(Uint16Array.of(0, 40000, 2)), 16, false, 0.5, -1024);
    expect([...out.values]).toEqual([-1024, 18976, -1023]);
    expect(out).toMatchObject({ min: -1024, max: 18976 });
  });

  it('handles 8-bit samples, signed and not, and a view at an odd offset', () => {
    expect([...rescaleSamples(bytesOf(Int8Array.of(-5, 7)), 8, true, 2, 1).values]).toEqual([-9, 15]);
    const odd = new Uint8Array(5);
    odd.set([0xff, 0x34, 0x12, 0x02, 0x00]);
    expect([...rescaleSamples(odd.subarray(1), 16, false, 1, 0).values]).toEqual([0x1234, 2]);
  });
});
