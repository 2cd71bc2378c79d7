// The one thing schedulers and pipelines need from a random generator: standard-normal draws.

/**
 * A source of standard-normal float32 noise. Successive calls continue one stream, as successive
 * `torch.randn(..., generator=g)` calls do. Only the element count of `shape` affects the values
 * (PyTorch's generators fill a contiguous tensor in flat order), so `[1, 4, 64, 64]` and `[16384]` agree.
 */
export interface NoiseSource {
  randn(shape: number[]): Float32Array;
}
