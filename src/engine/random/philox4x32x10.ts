// Philox4x32-10, the counter-based generator behind cuRAND's default state and torch's CUDA generator
// (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; Random123 philox.h).

const MULTIPLIER_0 = 0xd2511f53;
const MULTIPLIER_1 = 0xcd9e8d57;
const WEYL_0 = 0x9e3779b9;
const WEYL_1 = 0xbb67ae85;

/**
 * High 32 bits of the 64-bit product of a uint32 and a multiplier given as 16-bit halves, exactly in doubles:
 * a * multiplier = a * high * 2^16 + a * low, both partial products below 2^48, so the floors are exact.
 */
function mulHigh(a: number, multiplierHigh: number, multiplierLow: number): number {
  return Math.floor((a * multiplierHigh + Math.floor((a * multiplierLow) / 65536)) / 65536);
}

const M0_HIGH = MULTIPLIER_0 >>> 16;
const M0_LOW = MULTIPLIER_0 & 0xffff;
const M1_HIGH = MULTIPLIER_1 >>> 16;
const M1_LOW = MULTIPLIER_1 & 0xffff;

/**
 * Ten Philox rounds on counter (c0, c1, c2, c3) with key (k0, k1); writes the four output words to `out`.
 * Each round: (c0, c1, c2, c3) <- (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0)), and the
 * key is bumped by the Weyl constants between rounds.
 */
export function philox4x32x10(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  c0 >>>= 0;
  c2 >>>= 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + WEYL_0) >>> 0;
      k1 = (k1 + WEYL_1) >>> 0;
    }
    const next0 = (mulHigh(c2, M1_HIGH, M1_LOW) ^ c1 ^ k0) >>> 0;
    const next1 = Math.imul(c2, MULTIPLIER_1) >>> 0;
    const next2 = (mulHigh(c0, M0_HIGH, M0_LOW) ^ c3 ^ k1) >>> 0;
    const next3 = Math.imul(c0, MULTIPLIER_0) >>> 0;
    c0 = next0;
    c1 = next1;
    c2 = next2;
    c3 = next3;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
