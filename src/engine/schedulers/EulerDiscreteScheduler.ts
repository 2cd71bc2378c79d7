// Euler's method on the probability-flow ODE in sigma space (Karras et al. 2022, "Elucidating the Design Space
// of Diffusion-Based Generative Models", Algorithm 2 without churn): k-diffusion's `sample_euler`.
// Reference: diffusers scheduling_euler_discrete.py (`__init__`, `set_timesteps`, `step`), float32 as torch runs it.
import { EngineError, SchedulerConfigError, describeValue } from '../errors';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { BETA_SCHEDULE_DEFAULTS, alphasCumprod, makeBetas, requireDisabled, requireOneOf, resolveSchedulerConfig } from './schedulerMath';
import { karrasSigmas, logSigmas, sigmaToTimestep, trainingSigmas } from './sigmaSchedules';
import {
  SIGMA_PREDICTION_TYPES,
  addNoiseBySigma,
  discreteSigmaSchedule,
  predictOriginalFromSigma,
  scaleBySigma,
  sigmaInitNoise,
} from './sigmaSpaceMath';
import type { SigmaPredictionType } from './sigmaSpaceMath';
import { requireStepCount, requireTimestepSpacing } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';
import { StepIndex } from './stepIndex';
import { requireSameLength } from './alphaProductMath';

const f = Math.fround;
const NAME = 'EulerDiscreteScheduler';

/** diffusers `EulerDiscreteScheduler.__init__` defaults. */
const EULER_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  prediction_type: 'epsilon',
  interpolation_type: 'linear',
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  sigma_min: null as number | null,
  sigma_max: null as number | null,
  timestep_spacing: 'linspace',
  timestep_type: 'discrete',
  steps_offset: 0,
  final_sigmas_type: 'zero',
};

/** diffusers types these `bool | None`; a config may hold null, which diffusers reads as false. */
const OPTIONAL_FLAGS = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'] as const;

export class EulerDiscreteScheduler implements Scheduler {
  timesteps: number[] = [];
  sigmas: Float32Array = new Float32Array(0);
  initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof EULER_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: SigmaPredictionType;
  /** Timesteps are `0.25 * ln(sigma)` (EDM-style v-prediction models) instead of training indices. */
  private readonly continuousTimesteps: boolean;
  private readonly trainSigmas: Float32Array;
  private readonly logSigmaTable: Float32Array;
  private readonly stepIndex = new StepIndex(NAME);

  constructor(config: Record<string, unknown>) {
    const flags = Object.fromEntries(OPTIONAL_FLAGS.map((key) => [key, config[key] ?? undefined]));
    this.config = resolveSchedulerConfig(NAME, EULER_DEFAULTS, { ...config, ...flags });
    const c = this.config;
    this.spacing = requireTimestepSpacing(NAME, c.timestep_spacing);
    this.predictionType = requireOneOf(NAME, 'prediction_type', c.prediction_type, SIGMA_PREDICTION_TYPES);
    requireOneOf(NAME, 'interpolation_type', c.interpolation_type, ['linear']);
    requireOneOf(NAME, 'final_sigmas_type', c.final_sigmas_type, ['zero', 'sigma_min']);
    requireOneOf(NAME, 'timestep_type', c.timestep_type, ['discrete', 'continuous']);
    requireDisabled(NAME, 'use_exponential_sigmas', c.use_exponential_sigmas);
    requireDisabled(NAME, 'use_beta_sigmas', c.use_beta_sigmas);
    for (const key of ['sigma_min', 'sigma_max'] as const) {
      if (c[key] !== null && !(typeof c[key] === 'number' && c[key] > 0)) {
        throw new SchedulerConfigError(`${NAME} config "${key}": expected a positive number or null, got ${describeValue(c[key])}`);
      }
    }
    // diffusers only switches to continuous timesteps for v-prediction; otherwise the setting has no effect.
    this.continuousTimesteps = c.timestep_type === 'continuous' && c.prediction_type === 'v_prediction';

    const alphaBars = alphasCumprod(makeBetas(NAME, c));
    // Zero terminal SNR makes the last sigma infinite; diffusers nudges alpha-bar to 2^-24 to keep it finite.
    if (c.rescale_betas_zero_snr) alphaBars[alphaBars.length - 1] = 2 ** -24;
    this.trainSigmas = trainingSigmas(alphaBars);
    this.logSigmaTable = logSigmas(this.trainSigmas);
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    requireStepCount(NAME, numInferenceSteps, c.num_train_timesteps);
    let { timesteps, sigmas } = discreteSigmaSchedule(
      this.spacing, c.num_train_timesteps, numInferenceSteps, c.steps_offset, this.trainSigmas, this.logSigmaTable, false,
    );
    if (c.use_karras_sigmas) {
      // Karras' rho-spaced sigmas between the configured bounds (or the schedule's own), each mapped back to a
      // fractional timestep (diffusers `_convert_to_karras`, `_sigma_to_t`).
      sigmas = karrasSigmas(c.sigma_min ?? sigmas[sigmas.length - 1], c.sigma_max ?? sigmas[0], numInferenceSteps);
      timesteps = sigmas.map((sigma) => sigmaToTimestep(sigma, this.logSigmaTable));
    }
    // "sigma_min" ends on the smallest training sigma instead of 0 (for models that never saw sigma 0).
    const finalSigma = c.final_sigmas_type === 'sigma_min' ? this.trainSigmas[0] : 0;
    this.sigmas = Float32Array.from([...sigmas, finalSigma]);
    this.timesteps = this.continuousTimesteps
      ? Array.from(this.sigmas.subarray(0, numInferenceSteps), (sigma) => f(Math.log(sigma)) * 0.25)
      : timesteps.map(f);
    this.initNoiseSigma = sigmaInitNoise(this.spacing, this.sigmas);
    this.stepIndex.reset();
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.currentIndex(t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const index = this.currentIndex(t);
    // Without churn (s_churn = 0, the pipelines' default) sigma_hat = sigma and no noise is drawn.
    const sigma = this.sigmas[index];
    const dt = f(this.sigmas[index + 1] - sigma);
    const n = sample.length;
    const predOriginalSample = new Float32Array(n);
    predictOriginalFromSigma(predOriginalSample, this.predictionType, modelOutput, sample, sigma);
    const prevSample = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      // The ODE's derivative dx/dsigma = (x - x0) / sigma, followed for dt.
      const derivative = f(f(sample[i] - predOriginalSample[i]) / sigma);
      prevSample[i] = sample[i] + f(derivative * dt);
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
