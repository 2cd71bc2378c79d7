// Checks fma32 against an exact rational (BigInt) evaluation and hand-derived double-rounding traps, and the
// float16 conversions against IEEE binary16 facts (ties to even, subnormals, overflow, NaN).
import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits, fma32 } from './float32';

const bitsView = new DataView(new ArrayBuffer(8));

/** x = m * 2^e exactly, for a finite double. */
function decompose(x: number): { m: bigint; e: number } {
  bitsView.setFloat64(0, x);
  const bits = bitsView.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exponentField = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponentField === 0) return { m: sign * fraction, e: -1074 };
  return { m: sign * (fraction | (1n << 52n)), e: exponentField - 1075 };
}

/** m * 2^e rounded once to float32 (nearest, ties to even), computed with integers only. */
function roundToFloat32(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let magnitude = negative ? -m : m;
  const leadingExponent = e + magnitude.toString(2).length - 1;
  const quantum = Math.max(leadingExponent, -126) - 23; // exponent of one float32 ulp there
  if (quantum > e) {
    const shift = BigInt(quantum - e);
    const kept = magnitude >> shift;
    const rest = magnitude - (kept << shift);
    const half = 1n << (shift - 1n);
    magnitude = rest > half || (rest === half && (kept & 1n) === 1n) ? kept + 1n : kept;
    e = quantum;
  }
  const value = Number(magnitude) * 2 ** e; // exact, or >= 2^128 which fround turns into Infinity
  return Math.fround(negative ? -value : value);
}

/** The correctly rounded float32 fma, by exact integer arithmetic. */
function exactFma32(a: number, b: number, c: number): number {
  const A = decompose(a);
  const B = decompose(b);
  const C = decompose(c);
  const productExponent = A.e + B.e;
  const e = Math.min(productExponent, C.e);
  const sum = ((A.m * B.m) << BigInt(productExponent - e)) + (C.m << BigInt(C.e - e));
  return roundToFloat32(sum, e);
}

/** A deterministic 32-bit LCG (Numerical Recipes constants) so the test does not depend on the code under test. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
}

describe('fma32', () => {
  it('rounds once where a*b + c in double would tie and then round to even the wrong way', () => {
    // 812825 * 1321 = 2^30 + 1. With c = 2^54 the double sum drops the +1 (ulp 4) and lands on the float32
    // midpoint 2^54 + 2^30 (float32 ulp 2^31); ties-to-even then gives 2^54, but the exact value is above it.
    expect(Math.fround(812825 * 1321 + 2 ** 54)).toBe(2 ** 54);
    expect(fma32(812825, 1321, 2 ** 54)).toBe(2 ** 54 + 2 ** 31);
    expect(fma32(-812825, 1321, -(2 ** 54))).toBe(-(2 ** 54 + 2 ** 31));
    // Below a binade: 2^55 - 2^30 - 1 rounds in double to the midpoint 2^55 - 2^30, which ties up to 2^55;
    // the exact value is below the midpoint, so the answer is 2^55 - 2^31.
    expect(Math.fround(812825 * -1321 + 2 ** 55)).toBe(2 ** 55);
    expect(fma32(812825, -1321, 2 ** 55)).toBe(2 ** 55 - 2 ** 31);
  });

  it('borrows from the high word when stepping down from a zero low word (subnormal float32 result)', () => {
    // (2^23-1)(2^23+1) 2^-196 = 2^-150 - 2^-196. Plus c = 513 * 2^-149 the exact sum is 1027 * 2^-150 - 2^-196,
    // which doubles round to 1027 * 2^-150 (low 32 fraction bits zero): the midpoint between 513 and 514 units
    // of 2^-149. The exact value is just below it, so the answer is 513 * 2^-149, not the even 514 * 2^-149.
    const a = (2 ** 23 - 1) * 2 ** -98;
    const b = (2 ** 23 + 1) * 2 ** -98;
    const c = 513 * 2 ** -149;
    expect(Math.fround(a * b + c)).toBe(514 * 2 ** -149);
    expect(fma32(a, b, c)).toBe(513 * 2 ** -149);
  });

  it('keeps exact results, signed zeros, infinities and NaN', () => {
    expect(fma32(3, 5, 7)).toBe(22);
    expect(Object.is(fma32(1, -1, 1), 0)).toBe(true);
    expect(Object.is(fma32(-0, 1, -0), -0)).toBe(true);
    expect(fma32(2 ** 100, 2 ** 100, 0)).toBe(Infinity);
    expect(fma32(1, 1, -Infinity)).toBe(-Infinity);
    expect(fma32(NaN, 1, 1)).toBeNaN();
  });

  it('matches exact rounding on constructed near-ties, where naive rounding often fails', () => {
    // Products equal to (2^N + d) 2^s from factor pairs of 2^N +- 1, added to float32 c whose ulp is 2^(N+s+1):
    // the sum sits one product-lsb away from a float32 midpoint, below double precision.
    const factorPairs: [number, number, number][] = [
      [812825, 1321, 30], // 2^30 + 1
      [641, 6700417, 32], // 2^32 + 1
      [65535, 65537, 32], // 2^32 - 1
      [2 ** 18 - 1, 2 ** 18 + 1, 36],
      [2 ** 22 - 1, 2 ** 22 + 1, 44],
      [2 ** 23 - 1, 2 ** 23 + 1, 46],
    ];
    const next = lcg(12345);
    let cases = 0;
    let naiveWrong = 0;
    for (const [f1, f2, n] of factorPairs) {
      for (const s of [-196, -150, -60, -20, 0, 7]) {
        for (let k = 0; k < 40; k++) {
          const cMantissa = 2 ** 23 + (next() & 0x7fffff);
          const c = Math.fround((next() & 1 ? -1 : 1) * cMantissa * 2 ** (n + s + 1));
          const a = Math.fround((next() & 1 ? -1 : 1) * f1 * 2 ** Math.ceil(s / 2));
          const b = f2 * 2 ** Math.floor(s / 2);
          if (!Number.isFinite(c) || c === 0) continue;
          const expected = exactFma32(a, b, c);
          expect(fma32(a, b, c)).toBe(expected);
          cases++;
          if (Math.fround(a * b + c) !== expected) naiveWrong++;
        }
      }
    }
    expect(cases).toBeGreaterThan(1000);
    expect(naiveWrong).toBeGreaterThan(100); // the set really exercises double rounding
  });

  it('matches exact rounding on random float32 triples across exponents', () => {
    const next = lcg(987654321);
    const randomFloat32 = (exponentSpan: number) =>
      Math.fround((next() & 1 ? -1 : 1) * (1 + (next() & 0x7fffff) * 2 ** -23) * 2 ** ((next() % exponentSpan) - exponentSpan / 2));
    const mismatches: number[][] = [];
    for (let i = 0; i < 20000; i++) {
      const a = randomFloat32(40);
      const b = randomFloat32(40);
      const c = randomFloat32(80);
      if (fma32(a, b, c) !== exactFma32(a, b, c)) mismatches.push([a, b, c]);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('float16 conversion', () => {
  it('rounds float32 to the nearest binary16, ties to even', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3c00 (even) and 0x3c01
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02 (even)
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(1 / 3)).toBe(0x3555);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
  });

  it('produces subnormals and rounds into and out of them correctly', () => {
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie between 0 (even) and 2^-24
    expect(float32ToFloat16Bits(2 ** -25 + 2 ** -35)).toBe(0x0001);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units: 2 is even
    expect(float32ToFloat16Bits(1023 * 2 ** -24)).toBe(0x03ff); // largest subnormal
    expect(float32ToFloat16Bits(1023.5 * 2 ** -24)).toBe(0x0400); // ties up into the smallest normal
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16Bits(-(2 ** -24))).toBe(0x8001);
    expect(float32ToFloat16Bits(2 ** -140)).toBe(0x0000); // float32 subnormal
  });

  it('overflows to infinity at and beyond the rounding threshold and keeps NaN', () => {
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // tie between 65504 (odd) and 2^16: rounds to Inf
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    const nanBits = float32ToFloat16Bits(NaN);
    expect(nanBits & 0x7c00).toBe(0x7c00);
    expect(nanBits & 0x03ff).not.toBe(0);
  });

  it('decodes binary16 bit patterns', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x8001)).toBe(-(2 ** -24));
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  it('round-trips every non-NaN binary16 pattern', () => {
    const mismatches: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue;
      if (float32ToFloat16Bits(float16BitsToFloat32(bits)) !== bits) mismatches.push(bits);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('fromFloat16Array', () => {
  it('gives float16BitsToFloat32 for every one of the 65536 bit patterns', async () => {
    const { fromFloat16Array, float16BitsToFloat32 } = await import('./float32');
    const all = new Uint16Array(65536).map((_, i) => i);
    const converted = fromFloat16Array(all);
    for (let bits = 0; bits < 65536; bits++) expect(Object.is(converted[bits], float16BitsToFloat32(bits)) || (Number.isNaN(converted[bits]) && Number.isNaN(float16BitsToFloat32(bits)))).toBe(true);
  });
});
