// Math shared by the multistep exponential-integrator solvers (DPM-Solver, UniPC): the VP noise schedule in sigma
// form, log-SNR, model outputs converted to data or noise predictions, integer timestep schedules, and the history
// of converted outputs. float32 where torch computes in float32.
// Reference: diffusers scheduling_dpmsolver_multistep.py / scheduling_unipc_multistep.py.
import { EngineError } from '../errors';
import type { BetaScheduleConfig } from './schedulerMath';
import { alphasCumprod, makeBetas, numpyArange, numpyLinspace, roundHalfToEven } from './schedulerMath';
import { logSigmas, trainingSigmas } from './sigmaSchedules';
import type { TimestepSpacing } from './timestepSpacing';

const f = Math.fround;

export const MULTISTEP_PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type MultistepPredictionType = (typeof MULTISTEP_PREDICTION_TYPES)[number];
export const FINAL_SIGMA_TYPES = ['zero', 'sigma_min'] as const;

export interface VpTrainingSchedule {
  alphasCumprod: Float32Array;
  /** Training sigmas `sqrt((1 - a) / a)`, increasing with the timestep. */
  sigmas: Float32Array;
  logSigmas: Float32Array;
}

/** Betas (optionally rescaled to zero terminal SNR) to training sigmas. */
export function vpTrainingSchedule(className: string, config: BetaScheduleConfig): VpTrainingSchedule {
  const cumprod = alphasCumprod(makeBetas(className, config));
  // Zero terminal SNR makes the last alpha-bar 0; diffusers sets it to 2^-24 (fp16's smallest subnormal) so that
  // the first sigma stays finite.
  if (config.rescale_betas_zero_snr) cumprod[cumprod.length - 1] = 2 ** -24;
  const sigmas = trainingSigmas(cumprod);
  return { alphasCumprod: cumprod, sigmas, logSigmas: logSigmas(sigmas) };
}

/**
 * The n integer timesteps of a spacing, descending (diffusers `set_timesteps` of DPM-Solver and UniPC): these
 * space n + 1 points and drop the last, so "leading" steps by `last // (n + 1)`. `lastTimestep` is
 * num_train_timesteps unless DPM-Solver's lambda_min_clipped cut the schedule short. "trailing" can give fewer
 * than n; numpy's arange may add an element that rounds to timestep -1, which is left out here.
 */
export function multistepTimesteps(
  spacing: TimestepSpacing,
  numInferenceSteps: number,
  lastTimestep: number,
  numTrainTimesteps: number,
  stepsOffset: number,
): number[] {
  const n = numInferenceSteps;
  if (spacing === 'linspace') {
    return numpyLinspace(0, lastTimestep - 1, n + 1).map(roundHalfToEven).reverse().slice(0, n);
  }
  if (spacing === 'leading') {
    const stepRatio = Math.floor(lastTimestep / (n + 1));
    return Array.from({ length: n }, (_, i) => (n - i) * stepRatio + stepsOffset);
  }
  return numpyArange(lastTimestep, 0, -numTrainTimesteps / n)
    .map((t) => roundHalfToEven(t) - 1)
    .filter((t) => t >= 0);
}

export interface AlphaSigma {
  alpha: number;
  sigma: number;
}

/** The VP pair at noise level `sigma`: `alpha_t = 1 / sqrt(sigma² + 1)`, `sigma_t = sigma * alpha_t` (float32). */
export function alphaSigmaAt(sigma: number): AlphaSigma {
  const alpha = f(1 / f(Math.sqrt(f(f(sigma * sigma) + 1))));
  return { alpha, sigma: f(sigma * alpha) };
}

/** Half the log signal-to-noise ratio, `lambda = log(alpha_t) - log(sigma_t)` (float32). */
export function logSnr({ alpha, sigma }: AlphaSigma): number {
  return f(f(Math.log(alpha)) - f(Math.log(sigma)));
}

/**
 * Writes the model output as the solver needs it into `out`: the clean sample x0 ("data", DPM-Solver++ and UniPC
 * with predict_x0) or the noise ("noise", DPM-Solver and UniPC without), from a noise, x0 or velocity prediction.
 */
export function convertModelOutput(
  out: Float32Array,
  target: 'data' | 'noise',
  predictionType: MultistepPredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  { alpha, sigma }: AlphaSigma,
): void {
  const n = out.length;
  if (target === 'data') {
    if (predictionType === 'sample') out.set(modelOutput);
    else if (predictionType === 'v_prediction') {
      for (let i = 0; i < n; i++) out[i] = f(alpha * sample[i]) - f(sigma * modelOutput[i]);
    } else for (let i = 0; i < n; i++) out[i] = f(sample[i] - f(sigma * modelOutput[i])) / alpha;
  } else {
    if (predictionType === 'epsilon') out.set(modelOutput);
    else if (predictionType === 'v_prediction') {
      for (let i = 0; i < n; i++) out[i] = f(alpha * modelOutput[i]) + f(sigma * sample[i]);
    } else for (let i = 0; i < n; i++) out[i] = f(sample[i] - f(alpha * modelOutput[i])) / sigma;
  }
}

/** `alpha_t * original + sigma_t * noise` at noise level `sigma` (the VP forward process). */
export function addNoiseVp(className: string, original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  if (noise.length !== original.length) {
    throw new EngineError('invalid_input', `${className}.addNoise: noise has ${noise.length} values, the sample ${original.length}`);
  }
  const { alpha, sigma: sigmaT } = alphaSigmaAt(sigma);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = f(alpha * original[i]) + f(sigmaT * noise[i]);
  return out;
}

/**
 * The last `capacity` converted model outputs (diffusers `model_outputs`). A new output is written into `spare()`
 * and then `push`ed, which recycles the evicted buffer, so a run allocates nothing after its first steps.
 */
export class OutputHistory {
  private entries: Float32Array[] = [];
  private spareBuffer: Float32Array = new Float32Array(0);

  constructor(private readonly capacity: number) {}

  clear(): void {
    this.entries = [];
  }

  /** A buffer of `length` values that is not in the history. */
  spare(length: number): Float32Array {
    if (this.spareBuffer.length !== length) this.spareBuffer = new Float32Array(length);
    return this.spareBuffer;
  }

  push(output: Float32Array): void {
    this.entries.push(output);
    this.spareBuffer = this.entries.length > this.capacity ? this.entries.shift()! : new Float32Array(0);
  }

  /** The output `k` steps back: 0 is the newest. */
  back(k: number): Float32Array {
    return this.entries[this.entries.length - 1 - k];
  }
}
