// AUTOMATIC1111's CPU imitation of torch.randn(..., device='cuda') (modules/rng_philox.py at ef1698fd):
// Philox4x32-10 words turned into normals by a float64 Box–Muller rounded once to float32.
import type { NoiseSource } from './NoiseSource';
import { philox4x32x10 } from './philox4x32x10';
import { numelOfShape, seedWords } from './randomArguments';

// rng_philox.py's float32 constants: 2.3283064e-10f is exactly 2^-32, and the v scale is float32(2^-32 * 2*pi)
// (= float32(2*pi) * 2^-32, the constant cuRAND uses). numpy promotes uint32 * float32 to float64.
const U_SCALE = Math.fround(2.3283064e-10);
const V_SCALE = Math.fround(2.3283064e-10 * 6.2831855);

/**
 * Call k (k = 0 first) on a generator gives element i the Philox counter (k, 0, i, 0) under key
 * (seed low word, seed high word): all 64 seed bits count, unlike the CPU generator. From the words (x, y):
 * u = x 2^-32 + 2^-33, v = y C + C/2, value = float32(sqrt(-2 ln u) sin v). This follows torch's CUDA element
 * order only while numel is at most the GPU's thread capacity (see the reference README).
 */
export class PhiloxCudaGenerator implements NoiseSource {
  private readonly keyLow: number;
  private readonly keyHigh: number;
  /** rng_philox.py's `offset`: the number of randn calls made so far. */
  private offset = 0;

  constructor(seed: number | bigint) {
    const { low, high } = seedWords(seed);
    this.keyLow = low;
    this.keyHigh = high;
  }

  randn(shape: number[]): Float32Array {
    const n = numelOfShape(shape);
    const out = new Float32Array(n);
    const words = new Uint32Array(4);
    for (let i = 0; i < n; i++) {
      philox4x32x10(this.offset, 0, i, 0, this.keyLow, this.keyHigh, words);
      const u = words[0] * U_SCALE + U_SCALE / 2;
      const v = words[1] * V_SCALE + V_SCALE / 2;
      out[i] = Math.sqrt(-2 * Math.log(u)) * Math.sin(v);
    }
    this.offset = (this.offset + 1) >>> 0;
    return out;
  }
}
