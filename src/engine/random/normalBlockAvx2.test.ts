// Properties of the AVX2 Box–Muller block that follow from the kernel's definition, independent of the
// recorded vectors: pairing, exact values at u2 = 0 and u1 = 1, the -0 -> +0 rule, and Cephes accuracy.
import { describe, expect, it } from 'vitest';
import { transformNormalBlockAvx2 } from './normalBlockAvx2';

function block(u1Complements: number[], u2s: number[]): Float32Array {
  return Float32Array.from([...u1Complements, ...u2s]);
}

describe('transformNormalBlockAvx2', () => {
  it('gives exactly +0 when u1 = 1 (radius 0), even where cos or sin is negative', () => {
    // d = 0 means u1 = 1 - 0 = 1, so the radius is a zero; u2 = 0.5 puts theta at pi (cos -1), u2 = 0.75 at
    // 3pi/2 (sin -1): the products are -0 and the kernel's final + mean(0) makes them +0.
    const data = block([0, 0, 0, 0, 0, 0, 0, 0], [0.5, 0.75, 0.6, 0.9, 0.25, 0, 0.5, 0.99]);
    transformNormalBlockAvx2(data, 0);
    for (const value of data) expect(Object.is(value, 0)).toBe(true);
  });

  it('outputs the radius itself for u2 = 0 (cos 1, sin +0), close to sqrt(-2 ln u1)', () => {
    const complements = [0.5, 0.25, 0.999, 1e-6, 0.1, 0.9, 0.7, 2 ** -24].map(Math.fround);
    const data = block(complements, [0, 0, 0, 0, 0, 0, 0, 0]);
    transformNormalBlockAvx2(data, 0);
    for (let j = 0; j < 8; j++) {
      const u1 = Math.fround(1 - complements[j]);
      const radius = Math.sqrt(-2 * Math.log(u1));
      expect(Math.abs(data[j] - radius)).toBeLessThanOrEqual(4e-7 * radius);
      expect(Object.is(data[j + 8], 0)).toBe(true);
    }
  });

  it('pairs lane j with lane j + 8 as (radius cos theta, radius sin theta) to float32 accuracy', () => {
    // Sweep theta over all octants at a fixed radius; the Cephes polynomials are accurate to a few ulps.
    for (let step = 0; step < 64; step++) {
      const u2s = Array.from({ length: 8 }, (_, j) => Math.fround((step * 8 + j + 0.5) / 512));
      const data = block(Array(8).fill(Math.fround(1 - Math.exp(-2))), u2s);
      transformNormalBlockAvx2(data, 0);
      for (let j = 0; j < 8; j++) {
        const u1 = Math.fround(1 - Math.fround(1 - Math.exp(-2)));
        const radius = Math.sqrt(-2 * Math.log(u1));
        const theta = Math.fround(Math.fround(2 * Math.PI) * u2s[j]);
        expect(Math.abs(data[j] - radius * Math.cos(theta))).toBeLessThan(1e-6);
        expect(Math.abs(data[j + 8] - radius * Math.sin(theta))).toBeLessThan(1e-6);
      }
    }
  });

  it('transforms only the 16 values at the given offset', () => {
    const data = new Float32Array(48).fill(0.25);
    transformNormalBlockAvx2(data, 16);
    expect(Array.from(data.subarray(0, 16))).toEqual(Array(16).fill(0.25));
    expect(Array.from(data.subarray(32))).toEqual(Array(16).fill(0.25));
    expect(data[16]).not.toBe(0.25);
  });
});
