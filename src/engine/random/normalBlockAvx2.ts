// Float32 emulation of PyTorch's x86-64 AVX2 normal kernel (ATen native/cpu/DistributionKernels.cpp
// `normal_fill_16_AVX2`): Box–Muller on 16 uniforms with the Cephes log/sincos polynomials of avx_mathfun.h,
// every step rounded to float32 and with the multiply-adds GCC contracts into FMAs fused exactly (fma32).
// Like the SIMD original it works lane-parallel: each polynomial step runs over every lane of every block before
// the next, so each loop holds one small fma32 call that V8 inlines (a per-lane chain of ~25 calls is not
// inlined, boxes every intermediate double and made the kernel 5x slower).
import { fma32 } from '../float32';

const f = Math.fround;

// Constants are the float32 nearest to avx_mathfun.h's literals.
const SQRT_HALF = f(0.707106781186547524);
const [LOG_P0, LOG_P1, LOG_P2, LOG_P3, LOG_P4, LOG_P5, LOG_P6, LOG_P7, LOG_P8] = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const FOUR_OVER_PI = f(1.27323954473516);
const MINUS_DP1 = f(-0.78515625);
const MINUS_DP2 = f(-2.4187564849853515625e-4);
const MINUS_DP3 = f(-3.77489497744594108e-8);
const COS_P0 = f(2.443315711809948e-5);
const COS_P1 = f(-1.388731625493765e-3);
const COS_P2 = f(4.166664568298827e-2);
const SIN_P0 = f(-1.9515295891e-4);
const SIN_P1 = f(8.3321608736e-3);
const SIN_P2 = f(-1.6666654611e-1);
const TWO_PI = f(2 * Math.PI);

/** Scratch lanes, grown on demand and reused across calls (the generator runs once per denoising step). */
class Lanes {
  constructor(
    readonly x: Float64Array,
    readonly y: Float64Array,
    readonly z: Float64Array,
    readonly e: Float64Array,
    readonly radius: Float64Array,
    readonly octant: Int32Array,
  ) {}
  static ofSize(n: number): Lanes {
    return new Lanes(new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Int32Array(n));
  }
}
let scratch = Lanes.ofSize(0);

function lanesFor(count: number): Lanes {
  if (scratch.x.length < count) scratch = Lanes.ofSize(count);
  return scratch;
}

/** Index into `data` of lane k: 8 lanes per 16-value block, paired with the value 8 further on. */
const laneIndex = (start: number, lane: number) => start + ((lane >> 3) << 4) + (lane & 7);

/** y = fma(y, x, coefficient) on every lane: one Horner step. */
function hornerStep({ x, y }: Lanes, lanes: number, coefficient: number): void {
  for (let k = 0; k < lanes; k++) y[k] = fma32(y[k], x[k], coefficient);
}

/** avx_mathfun `log256_ps` on every lane of `x` (holding a in [2^-24, 1]); the result is left in `y`. */
function cephesLog(scratchLanes: Lanes, lanes: number): void {
  const { x, y, z, e } = scratchLanes;
  const bitsF32 = new Float32Array(1);
  const bitsU32 = new Uint32Array(bitsF32.buffer);
  for (let k = 0; k < lanes; k++) {
    // Split a = m * 2^e with m in [0.5, 1): the exponent from the bits, the mantissa re-biased to 2^-1.
    bitsF32[0] = x[k];
    const bits = bitsU32[0];
    let exponent = (bits >>> 23) - 127 + 1;
    bitsU32[0] = (bits & 0x807fffff) | 0x3f000000;
    const m = bitsF32[0];
    let reduced = f(m - 1);
    if (m < SQRT_HALF) {
      exponent -= 1;
      reduced = f(reduced + m);
    }
    x[k] = reduced;
    e[k] = exponent;
    z[k] = f(reduced * reduced);
    y[k] = LOG_P0;
  }
  for (const coefficient of [LOG_P1, LOG_P2, LOG_P3, LOG_P4, LOG_P5, LOG_P6, LOG_P7, LOG_P8]) hornerStep(scratchLanes, lanes, coefficient);
  for (let k = 0; k < lanes; k++) {
    const yx = f(y[k] * x[k]);
    // GCC fuses the y*z product here and rounds e*Q1 separately (the other fusion changes observable outputs).
    let v = fma32(yx, z[k], f(e[k] * LOG_Q1));
    // z*0.5 and e*Q2 are exact in float32, so these two contracted steps round once either way.
    v = f(v - z[k] * 0.5);
    y[k] = f(f(x[k] + v) + e[k] * LOG_Q2);
  }
}

/** avx_mathfun `sincos256_ps` on every lane of `x` (t >= 0): sin left in `y`, cos in `z`. */
function cephesSinCos(scratchLanes: Lanes, lanes: number): void {
  const { x, y, z, e, octant } = scratchLanes;
  for (let k = 0; k < lanes; k++) {
    // Reduce by multiples of pi/4: j is the octant rounded up to even, x the remainder in [-pi/4, pi/4].
    const t = x[k];
    const j = (Math.trunc(f(t * FOUR_OVER_PI)) + 1) & ~1;
    octant[k] = j;
    x[k] = fma32(j, MINUS_DP1, t);
  }
  for (let k = 0; k < lanes; k++) x[k] = fma32(octant[k], MINUS_DP2, x[k]);
  for (let k = 0; k < lanes; k++) x[k] = fma32(octant[k], MINUS_DP3, x[k]);
  // Cos polynomial into e (free scratch here), sin polynomial into y.
  for (let k = 0; k < lanes; k++) z[k] = f(x[k] * x[k]);
  for (let k = 0; k < lanes; k++) e[k] = fma32(COS_P0, z[k], COS_P1);
  for (let k = 0; k < lanes; k++) e[k] = fma32(e[k], z[k], COS_P2);
  for (let k = 0; k < lanes; k++) e[k] = fma32(f(e[k] * z[k]), z[k], -f(z[k] * 0.5));
  for (let k = 0; k < lanes; k++) y[k] = fma32(SIN_P0, z[k], SIN_P1);
  for (let k = 0; k < lanes; k++) y[k] = fma32(y[k], z[k], SIN_P2);
  for (let k = 0; k < lanes; k++) y[k] = fma32(f(y[k] * z[k]), x[k], x[k]);
  for (let k = 0; k < lanes; k++) {
    const j = octant[k];
    const c = f(e[k] + 1);
    const s = y[k];
    // Octants 2 and 6 (mod 8) swap the polynomials; the sign flips are sign-bit XORs in the kernel.
    let sin = (j & 2) === 0 ? s : c;
    let cos = (j & 2) === 0 ? c : s;
    if (j & 4) sin = -sin;
    if (~(j - 2) & 4) cos = -cos;
    y[k] = sin;
    z[k] = cos;
  }
}

/**
 * Turns `blockCount` consecutive blocks of 16 float32 uniforms starting at data[start] into normals in place:
 * in each block lane j pairs u1 = 1 - d[j] with u2 = d[j+8], writing radius*cos to j and radius*sin to j+8.
 * Adding 0 mirrors the kernel's final `fmadd(v, std=1, mean=0)`, which turns -0 into +0.
 */
export function transformNormalBlocksAvx2(data: Float32Array, start: number, blockCount: number): void {
  const lanes = blockCount * 8;
  const scratchLanes = lanesFor(lanes);
  const { x, y, z, radius } = scratchLanes;
  for (let k = 0; k < lanes; k++) x[k] = f(1 - data[laneIndex(start, k)]);
  cephesLog(scratchLanes, lanes);
  for (let k = 0; k < lanes; k++) {
    radius[k] = f(Math.sqrt(f(-2 * y[k]))); // sqrt in double then float32 equals sqrtf exactly
    x[k] = f(TWO_PI * data[laneIndex(start, k) + 8]);
  }
  cephesSinCos(scratchLanes, lanes);
  for (let k = 0; k < lanes; k++) {
    const i = laneIndex(start, k);
    data[i] = f(radius[k] * z[k]) + 0;
    data[i + 8] = f(radius[k] * y[k]) + 0;
  }
}

/** One block of 16 at data[start]. */
export function transformNormalBlockAvx2(data: Float32Array, start: number): void {
  transformNormalBlocksAvx2(data, start, 1);
}
