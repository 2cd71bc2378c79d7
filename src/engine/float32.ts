// Float32 and float16 arithmetic helpers: an exactly rounded float32 fused multiply-add (needed to reproduce
// PyTorch kernels that the C++ compiler contracted into FMAs) and float16 <-> float32 conversion for fp16 graphs.

const f = Math.fround;
const scratchF64 = new Float64Array(1);
const scratchBits = new BigInt64Array(scratchF64.buffer);

/**
 * `fmaf(a, b, c)` for float32 inputs, rounded once. `a*b` is exact in double (24+24 bits); the double sum
 * `s = a*b + c` is then made round-to-odd using its exact error (TwoSum), which makes the final rounding to
 * float32 correct instead of double-rounded.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  if (err === 0 || s === 0) return f(s === 0 ? err : s);
  scratchF64[0] = s;
  if ((scratchBits[0] & 1n) === 0n) {
    // Even significand: nudge one ulp toward the exact value so the float32 rounding sees which side it is on.
    scratchBits[0] += err > 0 === s > 0 ? 1n : -1n;
  }
  return f(scratchF64[0]);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE binary16 bits of a number, rounded to nearest even (overflow gives Inf, NaN stays NaN). */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let result = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (result & 1))) result++;
    return sign | result;
  }
  let result = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (result & 1))) result++;
  return sign | result;
}

/** The number a binary16 bit pattern holds. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}
