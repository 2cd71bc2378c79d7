// The contract every scheduler implements: the subset of diffusers' SchedulerMixin API that the pipelines use,
// on flat float32 arrays (one latent batch, NCHW, row-major).
import type { NoiseSource } from '../random/NoiseSource';

export interface SchedulerStepResult {
  prevSample: Float32Array;
  predOriginalSample?: Float32Array;
}

export interface Scheduler {
  /** The timesteps of the current schedule, in the order the denoising loop visits them. */
  timesteps: number[];
  /** Noise levels for sigma-based (Karras-style) schedulers, with the final 0 appended; undefined otherwise. */
  sigmas?: Float32Array;
  /** Standard deviation of the initial noise: latents start as `randn * initNoiseSigma`. */
  initNoiseSigma: number;
  /** Draws fresh noise in `step` (ancestral and DDPM-like schedulers): the pipelines then draw it ahead. */
  readonly drawsNoise?: boolean;
  /** How many timesteps entries make one solver step (2 for Heun and KDPM2, 1 otherwise). */
  order: number;
  setTimesteps(numInferenceSteps: number): void;
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  /** One denoising step. Stochastic schedulers draw their noise from `noise`, with the sample's element count. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: NoiseSource): SchedulerStepResult;
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
  /** Image-to-image starts part-way through the schedule: the index into `timesteps` of the first step. */
  setBeginIndex(beginIndex: number): void;
}
