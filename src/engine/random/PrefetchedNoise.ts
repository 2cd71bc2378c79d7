// Noise drawn ahead: the ancestral/SDE schedulers draw a latent-sized block of torch-exact normals every step (about
// 1 ms per 16K values here), and that noise does not depend on the UNet's output — so the pipelines draw the next
// block while the UNet runs (onnxruntime's own threads, or the GPU) instead of after it, on the critical path.
import type { NoiseSource } from './NoiseSource';

/**
 * A first-in first-out queue of blocks of `count` values, drawn from `inner` in stream order: a step takes the
 * oldest block, so the values are exactly those drawing on demand would give, whatever steps skip their draw.
 */
export class PrefetchedNoise implements NoiseSource {
  private readonly queue: Float32Array[] = [];

  constructor(
    private readonly inner: NoiseSource,
    private readonly count: number,
  ) {}

  /** Draws one block now. */
  prefetch(): void {
    this.queue.push(this.inner.randn([this.count]));
  }

  randn(shape: number[]): Float32Array {
    if (this.queue.length === 0) return this.inner.randn(shape);
    const count = shape.reduce((product, size) => product * size, 1);
    // A draw of another size would have to come before the queued blocks in the stream: refuse, it is a bug.
    if (count !== this.count) throw new Error(`PrefetchedNoise: blocks of ${this.count} values were drawn ahead, then ${count} were asked for`);
    return this.queue.shift()!;
  }
}
