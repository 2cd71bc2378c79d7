// Float32 and float16 arithmetic helpers: an exactly rounded float32 fused multiply-add (needed to reproduce
// PyTorch kernels that the C++ compiler contracted into FMAs) and float16 <-> float32 conversion for fp16 graphs.

const f = Math.fround;
// A Uint32Array view of one double lets fma32 step its last bit without BigInt (which is slow in hot loops).
const scratchF64 = new Float64Array(1);
const scratchWords = new Uint32Array(scratchF64.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HIGH_WORD = 1 - LOW_WORD;

/**
 * `fmaf(a, b, c)` for float32 inputs, rounded once. `a*b` is exact in double (24+24 bits), so only the sum
 * rounds twice (to double, then to float32). That double rounding can only go wrong when the double sum lands
 * exactly on a midpoint between two float32 values: midpoints are representable in double, so rounding to
 * double can reach one but never cross one. The common case therefore returns `fround(s)` directly.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s); // called directly, not through `f`: measurably faster in V8 here
  const d = s - r;
  if (d === 0) return r;
  // s is a midpoint exactly when stepping from r through s by the same distance lands on a float32 again.
  const twin = s + d;
  if (Math.fround(twin) !== twin) return r;
  return fma32AtMidpoint(p, c, s);
}

/**
 * The midpoint case: make the double sum round-to-odd using its exact error (TwoSum), which makes the final
 * rounding to float32 correct (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved
 * algorithms using rounding to odd", 2008: odd rounding at 53 bits then nearest at 24 bits is exact).
 */
function fma32AtMidpoint(p: number, c: number, s: number): number {
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  // err is NaN only when s is not finite; an exact zero sum has err 0 and keeps IEEE's sign of zero.
  if (err === 0 || err !== err) return f(s);
  scratchF64[0] = s;
  const low = scratchWords[LOW_WORD];
  if ((low & 1) === 0) {
    // Even significand: step one ulp toward the exact value (the odd neighbour), so the float32 rounding sees
    // which side of a tie the exact value lies on. Stepping up cannot carry out of an even low word; stepping
    // down from a zero low word borrows from the high word (bit patterns are monotonic in magnitude).
    if (err > 0 === s > 0) scratchWords[LOW_WORD] = low + 1;
    else if (low !== 0) scratchWords[LOW_WORD] = low - 1;
    else {
      scratchWords[LOW_WORD] = 0xffffffff;
      scratchWords[HIGH_WORD] -= 1;
    }
  }
  return f(scratchF64[0]);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE binary16 bits of a float32 value, rounded to nearest even (overflow gives Inf, NaN stays NaN). Other
 * numbers are rounded to float32 first, as a C++ double -> float -> half cast does.
 */
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

/** The platform's own binary16 array (Chromium 135+, Node 24+), whose conversions round to nearest-even as torch does. */
const NativeFloat16Array = (globalThis as { Float16Array?: new (source: ArrayBufferLike | ArrayLike<number>, offset?: number, length?: number) => ArrayLike<number> & { buffer: ArrayBufferLike } }).Float16Array;

/** binary16 bits -> value for all 65536 patterns, built on first use: a table read is ~10x the arithmetic's speed. */
let float16Table: Float32Array | undefined;
function float16ToFloat32Table(): Float32Array {
  if (!float16Table) {
    float16Table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) float16Table[bits] = float16BitsToFloat32(bits);
  }
  return float16Table;
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  if (NativeFloat16Array && values instanceof Float32Array) {
    const half = new NativeFloat16Array(values);
    return new Uint16Array(half.buffer);
  }
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: ArrayLike<number>): Float32Array {
  if (NativeFloat16Array && bits instanceof Uint16Array) return new Float32Array(new NativeFloat16Array(bits.buffer, bits.byteOffset, bits.length));
  const table = float16ToFloat32Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}
