// DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12) with eta = 0: the deterministic
// sampler diffusers' StableDiffusionPipeline runs by default.
// Reference: diffusers scheduling_ddim.py (`set_timesteps`, `step`), float32 throughout as torch computes it.
import { EngineError } from '../errors';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import {
  BETA_SCHEDULE_DEFAULTS,
  alphasCumprod,
  makeBetas,
  requireDisabled,
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
const NAME = 'DDIMScheduler';

/** diffusers `DDIMScheduler.__init__` defaults. */
const DDIM_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  clip_sample: true,
  set_alpha_to_one: true,
  steps_offset: 0,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  clip_sample_range: 1.0,
  sample_max_value: 1.0,
  timestep_spacing: 'leading',
};

export class DDIMScheduler implements Scheduler {
  timesteps: number[] = [];
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof DDIM_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: PredictionType;
  private readonly alphasCumprod: Float32Array;
  /** The alpha-bar "before" the first training step, used by the last denoising step. */
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, DDIM_DEFAULTS, config);
    this.spacing = requireTimestepSpacing(NAME, this.config.timestep_spacing);
    this.predictionType = requirePredictionType(NAME, this.config.prediction_type, PREDICTION_TYPES);
    requireDisabled(NAME, 'thresholding', this.config.thresholding);
    this.alphasCumprod = alphasCumprod(makeBetas(NAME, this.config));
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(numInferenceSteps: number): void {
    const { num_train_timesteps: trainSteps, steps_offset: offset } = this.config;
    requireStepCount(NAME, numInferenceSteps, trainSteps);
    // "linspace" rounds numpy's float64 values half to even; the other spacings are whole already.
    const timesteps = spacedTimesteps(this.spacing, trainSteps, numInferenceSteps, offset).map(roundHalfToEven);
    requireTimestepsInRange(NAME, timesteps, trainSteps, offset);
    this.timesteps = timesteps;
    this.numInferenceSteps = numInferenceSteps;
  }

  /** DDIM feeds the latent to the model unscaled. */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    requireSameLength(NAME, modelOutput, sample);
    // diffusers steps back by the nominal ratio T // n whatever the spacing, not to the next listed timestep.
    const prevT = t - Math.floor(this.config.num_train_timesteps / this.numInferenceSteps);
    const alphaProd = alphaProductAt(NAME, this.alphasCumprod, t);
    const alphaProdPrev = prevT >= 0 ? this.alphasCumprod[prevT] : this.finalAlphaCumprod;
    const sqrtAlpha = f(Math.sqrt(alphaProd));
    const sqrtBeta = f(Math.sqrt(f(1 - alphaProd)));
    const sqrtAlphaPrev = f(Math.sqrt(alphaProdPrev));
    // eta = 0: no noise term, so the direction pointing to x_t has weight sqrt(1 - alpha_prev).
    const directionCoeff = f(Math.sqrt(f(1 - alphaProdPrev)));

    const n = sample.length;
    const predOriginalSample = new Float32Array(n);
    const clipRange = this.config.clip_sample ? this.config.clip_sample_range : null;
    predictOriginalSample(predOriginalSample, this.predictionType, modelOutput, sample, alphaProd, clipRange);

    // The noise estimate comes from the unclipped prediction (diffusers' use_clipped_model_output = False).
    const prevSample = new Float32Array(n);
    const kind = this.predictionType;
    for (let i = 0; i < n; i++) {
      let eps = modelOutput[i];
      if (kind === 'sample') eps = f(f(sample[i] - f(sqrtAlpha * eps)) / sqrtBeta);
      else if (kind === 'v_prediction') eps = f(f(sqrtAlpha * eps) + f(sqrtBeta * sample[i]));
      prevSample[i] = f(sqrtAlphaPrev * predOriginalSample[i]) + f(directionCoeff * eps);
    }
    return { prevSample, predOriginalSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(NAME, this.alphasCumprod, original, noise, t);
  }

  /** DDIM finds its place from the timestep itself, so image-to-image needs no begin index. */
  setBeginIndex(): void {}
}
