// Euler ancestral sampling (k-diffusion's `sample_euler_ancestral`, after Karras et al. 2022): an Euler step down
// to sigma_down, then fresh noise of size sigma_up, so that each step lands on the next noise level with the
// right variance. Reference: diffusers scheduling_euler_ancestral_discrete.py, float32 as torch runs it.
import { EngineError } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { BETA_SCHEDULE_DEFAULTS, alphasCumprod, drawStepNoise, makeBetas, requireOneOf, resolveSchedulerConfig } from './schedulerMath';
import { logSigmas, trainingSigmas } from './sigmaSchedules';
import { addNoiseBySigma, discreteSigmaSchedule, predictOriginalFromSigma, scaleBySigma, sigmaInitNoise } from './sigmaSpaceMath';
import { requireStepCount, requireTimestepSpacing } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';
import { StepIndex } from './stepIndex';
import { requireSameLength } from './alphaProductMath';

const f = Math.fround;
const NAME = 'EulerAncestralDiscreteScheduler';

/** diffusers `EulerAncestralDiscreteScheduler.__init__` defaults. */
const EULER_ANCESTRAL_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

export class EulerAncestralDiscreteScheduler implements Scheduler {
  readonly drawsNoise = true;
  timesteps: number[] = [];
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof EULER_ANCESTRAL_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  /** diffusers raises NotImplementedError for "sample" here, so it is not offered. */
  private readonly predictionType: 'epsilon' | 'v_prediction';
  private readonly trainSigmas: Float32Array;
  private readonly logSigmaTable: Float32Array;
  private readonly stepIndex = new StepIndex(NAME);

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, EULER_ANCESTRAL_DEFAULTS, config);
    this.spacing = requireTimestepSpacing(NAME, this.config.timestep_spacing);
    this.predictionType = requireOneOf(NAME, 'prediction_type', this.config.prediction_type, ['epsilon', 'v_prediction']);
    const alphaBars = alphasCumprod(makeBetas(NAME, this.config));
    // Zero terminal SNR makes the last sigma infinite; diffusers nudges alpha-bar to 2^-24 to keep it finite.
    if (this.config.rescale_betas_zero_snr) alphaBars[alphaBars.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(alphaBars);
    this.logSigmaTable = logSigmas(this.trainSigmas);
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    requireStepCount(NAME, numInferenceSteps, c.num_train_timesteps);
    const { timesteps, sigmas } = discreteSigmaSchedule(
      this.spacing, c.num_train_timesteps, numInferenceSteps, c.steps_offset, this.trainSigmas, this.logSigmaTable, false,
    );
    this.timesteps = timesteps;
    this.sigmas = Float32Array.from([...sigmas, 0]);
    this.initNoiseSigma = sigmaInitNoise(this.spacing, this.sigmas);
    this.stepIndex.reset();
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.currentIndex(t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: NoiseSource): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const index = this.currentIndex(t);
    const sigmaFrom = this.sigmas[index];
    const sigmaTo = this.sigmas[index + 1];
    // Split the move to sigmaTo into a deterministic part (down to sigmaDown) and fresh noise of std sigmaUp,
    // with sigmaDown² + sigmaUp² = sigmaTo² (k-diffusion `get_ancestral_step`, eta = 1).
    const fromSquared = f(sigmaFrom * sigmaFrom);
    const toSquared = f(sigmaTo * sigmaTo);
    const sigmaUp = f(Math.sqrt(f(f(toSquared * f(fromSquared - toSquared)) / fromSquared)));
    const sigmaDown = f(Math.sqrt(f(toSquared - f(sigmaUp * sigmaUp))));
    const dt = f(sigmaDown - sigmaFrom);

    const n = sample.length;
    const predOriginalSample = new Float32Array(n);
    predictOriginalFromSigma(predOriginalSample, this.predictionType, modelOutput, sample, sigmaFrom);
    const drawn = drawStepNoise(NAME, noise, n);
    const prevSample = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const derivative = f(f(sample[i] - predOriginalSample[i]) / sigmaFrom);
      prevSample[i] = f(sample[i] + f(derivative * dt)) + f(drawn[i] * sigmaUp);
    }
    this.stepIndex.advance();
    return { prevSample, predOriginalSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseBySigma(NAME, original, noise, this.sigmas[this.stepIndex.forAddNoise(this.timesteps, t)]);
  }

  setBeginIndex(beginIndex: number): void {
    this.stepIndex.setBeginIndex(beginIndex);
  }

  private currentIndex(t: number): number {
    if (this.timesteps.length === 0) throw new EngineError('invalid_input', `${NAME}: call setTimesteps first`);
    return this.stepIndex.current(this.timesteps, t);
  }
}
