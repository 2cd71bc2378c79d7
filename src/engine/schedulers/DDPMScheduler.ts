// DDPM ancestral sampling (Ho et al. 2020, "Denoising Diffusion Probabilistic Models", eqs. 6-7): the posterior
// mean of x_{t-1} given the predicted x0, plus fresh noise at every step whose timestep is above 0.
// Reference: diffusers scheduling_ddpm.py (`set_timesteps`, `previous_timestep`, `_get_variance`, `step`).
import { EngineError } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import {
  BETA_SCHEDULE_DEFAULTS,
  alphasCumprod,
  drawStepNoise,
  makeBetas,
  requireDisabled,
  requireOneOf,
  resolveSchedulerConfig,
  roundHalfToEven,
} from './schedulerMath';
import { requireStepCount, requireTimestepSpacing, requireTimestepsInRange, spacedTimesteps } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';
import {
  PREDICTION_TYPES,
  addNoiseAtTimestep,
  alphaProductAt,
  predictOriginalSample,
  requirePredictionType,
  requireSameLength,
} from './alphaProductMath';
import type { PredictionType } from './alphaProductMath';

const f = Math.fround;
const NAME = 'DDPMScheduler';

/** diffusers `DDPMScheduler.__init__` defaults. */
const DDPM_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  variance_type: 'fixed_small',
  clip_sample: true,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  clip_sample_range: 1.0,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  steps_offset: 0,
};

/**
 * The variances this port supports: the posterior variance beta~_t ("fixed_small"), the same through log/exp
 * ("fixed_small_log") and beta_t itself ("fixed_large"). The "learned" kinds need a UNet that predicts a variance
 * (twice the latent channels), which Stable Diffusion's does not; diffusers' "fixed_large_log" takes the square
 * root of a log (NaN), so it is refused rather than reproduced.
 */
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;
type VarianceType = (typeof VARIANCE_TYPES)[number];

export class DDPMScheduler implements Scheduler {
  readonly drawsNoise = true;
  timesteps: number[] = [];
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof DDPM_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: PredictionType;
  private readonly varianceType: VarianceType;
  private readonly alphasCumprod: Float32Array;

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, DDPM_DEFAULTS, config);
    this.varianceType = requireOneOf(NAME, 'variance_type', this.config.variance_type, VARIANCE_TYPES);
    this.spacing = requireTimestepSpacing(NAME, this.config.timestep_spacing);
    this.predictionType = requirePredictionType(NAME, this.config.prediction_type, PREDICTION_TYPES);
    requireDisabled(NAME, 'thresholding', this.config.thresholding);
    this.alphasCumprod = alphasCumprod(makeBetas(NAME, this.config));
  }

  setTimesteps(numInferenceSteps: number): void {
    const { num_train_timesteps: trainSteps, steps_offset: offset } = this.config;
    requireStepCount(NAME, numInferenceSteps, trainSteps);
    const timesteps = spacedTimesteps(this.spacing, trainSteps, numInferenceSteps, offset).map(roundHalfToEven);
    requireTimestepsInRange(NAME, timesteps, trainSteps, offset);
    this.timesteps = timesteps;
  }

  /** DDPM feeds the latent to the model unscaled. */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: NoiseSource): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const alphaProd = alphaProductAt(NAME, this.alphasCumprod, t);
    const prevT = this.previousTimestep(t);
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT] : 1;
    const betaProd = f(1 - alphaProd);
    const betaProdPrev = f(1 - alphaProdPrev);
    // The alpha and beta of the (possibly multi-step) jump from t to prevT.
    const currentAlpha = f(alphaProd / alphaProdPrev);
    const currentBeta = f(1 - currentAlpha);
    // Posterior mean coefficients, Ho et al. eq. 7.
    const originalCoeff = f(f(f(Math.sqrt(alphaProdPrev)) * currentBeta) / betaProd);
    const sampleCoeff = f(f(f(Math.sqrt(currentAlpha)) * betaProdPrev) / betaProd);

    const n = sample.length;
    const predOriginalSample = new Float32Array(n);
    const clipRange = this.config.clip_sample ? this.config.clip_sample_range : null;
    predictOriginalSample(predOriginalSample, this.predictionType, modelOutput, sample, alphaProd, clipRange);

    const prevSample = new Float32Array(n);
    for (let i = 0; i < n; i++) prevSample[i] = f(originalCoeff * predOriginalSample[i]) + f(sampleCoeff * sample[i]);
    if (t > 0) {
      const drawn = drawStepNoise(NAME, noise, n);
      const std = this.noiseStd(betaProd, betaProdPrev, currentBeta);
      for (let i = 0; i < n; i++) prevSample[i] = prevSample[i] + f(std * drawn[i]);
    }
    return { prevSample, predOriginalSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(NAME, this.alphasCumprod, original, noise, t);
  }

  /** DDPM finds its place from the timestep itself, so image-to-image needs no begin index. */
  setBeginIndex(): void {}

  /** The next timestep of the schedule after `t`, or -1 after the last (diffusers `previous_timestep`). */
  private previousTimestep(t: number): number {
    if (this.timesteps.length === 0) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    const index = this.timesteps.indexOf(t);
    if (index < 0) {
      throw new EngineError('invalid_input', `${NAME}.step: timestep ${t} is not in the current schedule`);
    }
    return index === this.timesteps.length - 1 ? -1 : this.timesteps[index + 1];
  }

  /** Standard deviation of the step's noise (diffusers `_get_variance`, then its square root). */
  private noiseStd(betaProd: number, betaProdPrev: number, currentBeta: number): number {
    if (this.varianceType === 'fixed_large') return f(Math.sqrt(currentBeta));
    // beta~_t = (1 - alpha-bar_{t-1}) / (1 - alpha-bar_t) * beta_t, clamped away from 0 for the log.
    const posteriorVariance = Math.max(f(f(betaProdPrev / betaProd) * currentBeta), f(1e-20));
    if (this.varianceType === 'fixed_small_log') return f(Math.exp(f(0.5 * f(Math.log(posteriorVariance)))));
    return f(Math.sqrt(posteriorVariance));
  }
}
