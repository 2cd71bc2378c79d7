// Latent Consistency Model sampling (Luo et al. 2023, "Latent Consistency Models", Algorithm 1): each step maps
// the latent straight to a clean estimate through the consistency boundary condition, then re-noises it to the
// next timestep (all steps but the last). Reference: diffusers scheduling_lcm.py (`set_timesteps`, `step`).
import { EngineError, SchedulerConfigError } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { BETA_SCHEDULE_DEFAULTS, alphasCumprod, drawStepNoise, makeBetas, requireDisabled, resolveSchedulerConfig } from './schedulerMath';
import { requireStepCount, requireTimestepSpacing } from './timestepSpacing';
import {
  PREDICTION_TYPES,
  addNoiseAtTimestep,
  alphaProductAt,
  predictOriginalSample,
  requirePredictionType,
  requireSameLength,
} from './alphaProductMath';
import type { PredictionType } from './alphaProductMath';
import { StepIndex } from './stepIndex';

const f = Math.fround;
const NAME = 'LCMScheduler';

/** diffusers `LCMScheduler.__init__` defaults (LCM's own beta defaults are Stable Diffusion's). */
const LCM_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  original_inference_steps: 50,
  clip_sample: false,
  clip_sample_range: 1.0,
  set_alpha_to_one: true,
  steps_offset: 0,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
  timestep_scaling: 10.0,
};

/** The consistency models' data standard deviation (diffusers `sigma_data`). */
const SIGMA_DATA_SQUARED = 0.25;

export class LCMScheduler implements Scheduler {
  readonly drawsNoise = true;
  timesteps: number[] = [];
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof LCM_DEFAULTS;
  private readonly predictionType: PredictionType;
  private readonly alphasCumprod: Float32Array;
  private readonly stepIndex = new StepIndex(NAME);

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, LCM_DEFAULTS, config);
    // Validated for a clear error on a typo, but LCM's schedule comes from original_inference_steps instead:
    // diffusers' LCM set_timesteps reads neither timestep_spacing nor steps_offset.
    requireTimestepSpacing(NAME, this.config.timestep_spacing);
    this.predictionType = requirePredictionType(NAME, this.config.prediction_type, PREDICTION_TYPES);
    requireDisabled(NAME, 'thresholding', this.config.thresholding);
    const original = this.config.original_inference_steps;
    if (!Number.isInteger(original) || original < 1 || original > this.config.num_train_timesteps) {
      throw new SchedulerConfigError(
        `${NAME} config "original_inference_steps": expected an integer from 1 to ${this.config.num_train_timesteps}, got ${original}`,
      );
    }
    // set_alpha_to_one is accepted but cannot matter: an LCM step never targets a timestep below 0 (the last
    // step targets its own timestep and returns the clean estimate).
    this.alphasCumprod = alphasCumprod(makeBetas(NAME, this.config));
  }

  /**
   * The distillation schedule has `original_inference_steps` timesteps, every (T // original)th ending at T - 1;
   * n of them are picked at evenly spaced positions from the top (diffusers' `np.linspace(0, len, n,
   * endpoint=False)`, floored).
   */
  setTimesteps(numInferenceSteps: number): void {
    const original = this.config.original_inference_steps;
    requireStepCount(NAME, numInferenceSteps, this.config.num_train_timesteps);
    if (numInferenceSteps > original) {
      throw new EngineError(
        'invalid_input',
        `${NAME}: num_inference_steps must be at most original_inference_steps (${original}), got ${numInferenceSteps}`,
      );
    }
    const k = Math.floor(this.config.num_train_timesteps / original);
    const positionStep = original / numInferenceSteps;
    this.timesteps = Array.from({ length: numInferenceSteps }, (_, i) => {
      const position = Math.floor(i * positionStep);
      return (original - position) * k - 1;
    });
    this.stepIndex.reset();
  }

  /** LCM feeds the latent to the model unscaled. */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: NoiseSource): SchedulerStepResult {
    if (this.timesteps.length === 0) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    requireSameLength(NAME, modelOutput, sample);
    const index = this.stepIndex.current(this.timesteps, t);
    const isLast = index === this.timesteps.length - 1;
    const prevT = isLast ? t : this.timesteps[index + 1];
    const alphaProd = alphaProductAt(NAME, this.alphasCumprod, t);
    const alphaProdPrev = this.alphasCumprod[prevT];
    const { skip, out } = this.boundaryScalings(t);

    // x0 from the model output, then the consistency function c_skip * x_t + c_out * x0, in the same buffer.
    const n = sample.length;
    const denoised = new Float32Array(n);
    const clipRange = this.config.clip_sample ? this.config.clip_sample_range : null;
    predictOriginalSample(denoised, this.predictionType, modelOutput, sample, alphaProd, clipRange);
    for (let i = 0; i < n; i++) denoised[i] = f(out * denoised[i]) + f(skip * sample[i]);

    let prevSample = denoised;
    if (!isLast) {
      const drawn = drawStepNoise(NAME, noise, n);
      const sqrtAlphaPrev = f(Math.sqrt(alphaProdPrev));
      const sqrtBetaPrev = f(Math.sqrt(f(1 - alphaProdPrev)));
      prevSample = new Float32Array(n);
      for (let i = 0; i < n; i++) prevSample[i] = f(sqrtAlphaPrev * denoised[i]) + f(sqrtBetaPrev * drawn[i]);
    }
    this.stepIndex.advance();
    return { prevSample, predOriginalSample: denoised };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(NAME, this.alphasCumprod, original, noise, t);
  }

  setBeginIndex(beginIndex: number): void {
    this.stepIndex.setBeginIndex(beginIndex);
  }

  /**
   * c_skip and c_out of the consistency boundary condition at timestep t (Song et al. 2023, "Consistency
   * Models", eq. 8), in float32 as torch computes them from the int64 timestep; `a / tensor` is torch's
   * `reciprocal(tensor) * a`.
   */
  private boundaryScalings(t: number): { skip: number; out: number } {
    const scaled = f(t * f(this.config.timestep_scaling));
    const denominator = f(f(scaled * scaled) + SIGMA_DATA_SQUARED);
    return {
      skip: f(f(1 / denominator) * SIGMA_DATA_SQUARED),
      out: f(scaled / f(Math.sqrt(denominator))),
    };
  }
}
