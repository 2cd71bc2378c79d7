// torch.Generator('cpu') semantics for float32 randn and rand: the same words, the same kernel choice and the
// same cached-normal state as PyTorch 1.13 on x86-64 (see test/reference/rng/README.md for the derivation).
import type { NoiseSource } from './NoiseSource';
import { Mt19937 } from './Mt19937';
import { transformNormalBlocksAvx2 } from './normalBlockAvx2';
import { numelOfShape } from './randomArguments';

const TWO_POW_MINUS_24 = 2 ** -24;
const TWO_POW_MINUS_53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;

/**
 * A seeded CPU generator matching `torch.Generator('cpu').manual_seed(seed)`. Successive calls continue the
 * stream. Only float32 is implemented; float64/fp16/bf16 `randn` would reuse `fillInBlocksOf16` with their own
 * uniforms and block transforms, and `scalarNormal` as is (it is computed in double for every dtype).
 */
export class TorchCpuGenerator implements NoiseSource {
  private readonly engine: Mt19937;
  /** `normal_distribution<double>`'s second Box–Muller value, kept across calls until used or reseeded. */
  private cachedNormal: number | null = null;

  constructor(seed: number | bigint) {
    this.engine = new Mt19937(seed);
  }

  /** `torch.randn(shape, generator=g)` in float32. */
  randn(shape: number[]): Float32Array {
    const n = numelOfShape(shape);
    const out = new Float32Array(n);
    // ATen normal_kernel: a contiguous float32 tensor of 16 or more elements takes the AVX2 kernel; smaller
    // ones draw each element from normal_distribution<double> and cast it to float.
    if (n >= 16) {
      fillInBlocksOf16(out, (start, end) => this.fillUniformFloat32(out, start, end), transformNormalBlocksAvx2);
    } else {
      for (let i = 0; i < n; i++) out[i] = this.scalarNormal();
    }
    return out;
  }

  /** `torch.rand(shape, generator=g)` in float32: one word per element. */
  rand(shape: number[]): Float32Array {
    const out = new Float32Array(numelOfShape(shape));
    this.fillUniformFloat32(out, 0, out.length);
    return out;
  }

  /** `uniform_real_distribution<float>(0, 1)`: the low 24 bits of one word, scaled by 2^-24 (exact). */
  private fillUniformFloat32(out: Float32Array, start: number, end: number): void {
    for (let i = start; i < end; i++) out[i] = (this.engine.nextUint32() & 0xffffff) * TWO_POW_MINUS_24;
  }

  /** `uniform_real_distribution<double>(0, 1)`: random64() = first word << 32 | second, low 53 bits. */
  private uniformFloat64(): number {
    const high = this.engine.nextUint32() & 0x1fffff;
    const low = this.engine.nextUint32();
    return (high * TWO_POW_32 + low) * TWO_POW_MINUS_53;
  }

  /**
   * ATen core/DistributionsHelper.h `normal_distribution<double>` with mean 0, std 1: Box–Muller in double,
   * returning r*cos and caching r*sin for the next call. Torch 1.13 uses log(1 - u2) (newer sources use
   * log1p(-u2)). Adding 0 mirrors `ret * std + mean`, which turns -0 into +0.
   */
  private scalarNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached + 0;
    }
    const u1 = this.uniformFloat64();
    const u2 = this.uniformFloat64();
    const radius = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta) + 0;
  }
}

/**
 * ATen's block structure shared by `normal_fill` and `normal_fill_AVX2`: draw all n uniforms first, transform
 * each full block of 16 in place, and when n % 16 != 0 draw 16 fresh uniforms over the last 16 slots (leftover
 * uniforms and already finished normals alike) and transform that block too. Requires n >= 16.
 */
function fillInBlocksOf16<T extends Float32Array | Float64Array>(
  data: T,
  drawUniforms: (start: number, end: number) => void,
  transformBlocks: (data: T, start: number, blockCount: number) => void,
): void {
  const n = data.length;
  drawUniforms(0, n);
  transformBlocks(data, 0, Math.floor(n / 16));
  if (n % 16 !== 0) {
    drawUniforms(n - 16, n);
    transformBlocks(data, n - 16, 1);
  }
}
