// Math shared by the schedulers that integrate in sigma space (k-diffusion style: LMS, Heun, KDPM2, Euler):
// their timestep/sigma schedule, input scaling, noising and clean-sample prediction, in float32 as torch does.
// Reference: diffusers scheduling_lms_discrete.py / scheduling_heun_discrete.py `set_timesteps`, `step`, `add_noise`.
import { EngineError } from '../errors';
import { alphasCumprod, makeBetas, numpyInterp, requireDisabled, type BetaScheduleConfig } from './schedulerMath';
import { karrasSigmas, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmaSchedules';
import { requireStepCount, requireTimestepSpacing, spacedTimesteps } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';

const f = Math.fround;

export const SIGMA_PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type SigmaPredictionType = (typeof SIGMA_PREDICTION_TYPES)[number];

export interface DiscreteSigmaSchedule {
  /** Timesteps before the class casts them (float32 values unless Karras sigmas replaced them). */
  timesteps: number[];
  /** One sigma per timestep, float64 as numpy leaves them (the final 0 is not included). */
  sigmas: number[];
}

/**
 * The shared part of `set_timesteps`: float32 timesteps spaced over the training schedule, the training sigmas
 * interpolated at them (`np.interp`), and with `useKarras` Karras et al.'s schedule between the first and last of
 * those sigmas, each mapped back to a fractional timestep.
 */
export function discreteSigmaSchedule(
  spacing: TimestepSpacing,
  numTrainTimesteps: number,
  numInferenceSteps: number,
  stepsOffset: number,
  trainSigmas: Float32Array,
  logSigmaTable: Float32Array,
  useKarras: boolean,
): DiscreteSigmaSchedule {
  // numpy builds these in float64 and casts to float32 (`dtype=np.float32` / `.astype(np.float32)`).
  const timesteps = spacedTimesteps(spacing, numTrainTimesteps, numInferenceSteps, stepsOffset).map(f);
  const positions = Array.from(trainSigmas, (_, i) => i);
  const sigmas = timesteps.map((t) => numpyInterp(t, positions, trainSigmas));
  if (!useKarras) return { timesteps, sigmas };
  const karras = karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], numInferenceSteps);
  return { timesteps: karras.map((sigma) => sigmaToTimestep(sigma, logSigmaTable)), sigmas: karras };
}

/** The config keys LMS, Heun and KDPM2 read the same way (beyond the beta schedule). */
export interface SigmaTrainingConfig extends Omit<BetaScheduleConfig, 'rescale_betas_zero_snr'> {
  timestep_spacing: string;
  steps_offset: number;
  use_karras_sigmas: boolean;
  use_exponential_sigmas: boolean;
  use_beta_sigmas: boolean;
}

/** What LMS, Heun and KDPM2 derive identically from their config: the spacing and the training sigma tables. */
export interface SigmaTraining {
  spacing: TimestepSpacing;
  trainSigmas: Float32Array;
  logSigmaTable: Float32Array;
  /** The checked step count's `discreteSigmaSchedule` (the shared start of `set_timesteps`). */
  schedule(numInferenceSteps: number): DiscreteSigmaSchedule;
}

export function sigmaTraining(className: string, config: SigmaTrainingConfig): SigmaTraining {
  const spacing = requireTimestepSpacing(className, config.timestep_spacing);
  requireDisabled(className, 'use_exponential_sigmas', config.use_exponential_sigmas);
  requireDisabled(className, 'use_beta_sigmas', config.use_beta_sigmas);
  // These classes have no zero-terminal-SNR option: diffusers ignores the key for them, and so does this port.
  const trainSigmas = trainingSigmas(alphasCumprod(makeBetas(className, { ...config, rescale_betas_zero_snr: false })));
  const logSigmaTable = logSigmas(trainSigmas);
  return {
    spacing,
    trainSigmas,
    logSigmaTable,
    schedule(numInferenceSteps) {
      requireStepCount(className, numInferenceSteps, config.num_train_timesteps);
      return discreteSigmaSchedule(
        spacing, config.num_train_timesteps, numInferenceSteps, config.steps_offset, trainSigmas, logSigmaTable, config.use_karras_sigmas,
      );
    },
  };
}

/**
 * The initial latent's standard deviation: the largest sigma, or `sqrt(sigma_max² + 1)` under "leading" spacing
 * (diffusers `init_noise_sigma`, float32).
 */
export function sigmaInitNoise(spacing: TimestepSpacing, sigmas: Float32Array): number {
  let max = 0;
  for (const sigma of sigmas) max = Math.max(max, sigma);
  return spacing === 'leading' ? f(Math.sqrt(f(f(max * max) + 1))) : max;
}

/** `sample / sqrt(sigma² + 1)`: the model sees a unit-variance input (diffusers `scale_model_input`). */
export function scaleBySigma(sample: Float32Array, sigma: number): Float32Array {
  const scale = f(Math.sqrt(f(f(sigma * sigma) + 1)));
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = sample[i] / scale;
  return out;
}

/** `original + noise * sigma` (diffusers `add_noise` of the sigma-space schedulers). */
export function addNoiseBySigma(className: string, original: Float32Array, noise: Float32Array, sigma: number): Float32Array {
  if (noise.length !== original.length) {
    throw new EngineError('invalid_input', `${className}.addNoise: noise has ${noise.length} values, the sample ${original.length}`);
  }
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = original[i] + f(noise[i] * sigma);
  return out;
}

/**
 * Writes the predicted clean sample x0 into `out` from a model output at noise level `sigma`: noise ("epsilon",
 * `x - sigma * eps`), velocity ("v_prediction", `x / (sigma² + 1) - eps * sigma / sqrt(sigma² + 1)`), or x0 itself.
 */
export function predictOriginalFromSigma(
  out: Float32Array,
  predictionType: SigmaPredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
): void {
  const n = out.length;
  if (predictionType === 'epsilon') {
    for (let i = 0; i < n; i++) out[i] = sample[i] - f(sigma * modelOutput[i]);
  } else if (predictionType === 'v_prediction') {
    const variance = f(f(sigma * sigma) + 1);
    const outputScale = f(-sigma / f(Math.sqrt(variance)));
    for (let i = 0; i < n; i++) out[i] = f(modelOutput[i] * outputScale) + f(sample[i] / variance);
  } else {
    out.set(modelOutput);
  }
}
