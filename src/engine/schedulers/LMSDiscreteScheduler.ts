// Linear multistep sampling in sigma space (Karras et al. 2022, k-diffusion `sample_lms`): each step integrates
// the probability-flow ODE through a Lagrange polynomial over the last four derivatives ("KLMS").
// Reference: diffusers scheduling_lms_discrete.py, float32 where torch computes in float32.
import { EngineError } from '../errors';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { requireSameLength } from './alphaProductMath';
import { requireOneOf, resolveSchedulerConfig } from './schedulerMath';
import {
  SIGMA_PREDICTION_TYPES,
  addNoiseBySigma,
  predictOriginalFromSigma,
  scaleBySigma,
  sigmaInitNoise,
  sigmaTraining,
} from './sigmaSpaceMath';
import type { SigmaPredictionType, SigmaTraining } from './sigmaSpaceMath';
import { StepIndex } from './stepIndex';

const f = Math.fround;
const NAME = 'LMSDiscreteScheduler';
/** The multistep order: `step(order=4)` is diffusers' default and what its pipelines use. */
const LMS_ORDER = 4;

/** diffusers `LMSDiscreteScheduler.__init__` defaults. */
const LMS_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null as number[] | null,
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

export class LMSDiscreteScheduler implements Scheduler {
  timesteps: number[] = [];
  sigmas = new Float32Array(0);
  initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof LMS_DEFAULTS;
  private readonly training: SigmaTraining;
  private readonly predictionType: SigmaPredictionType;
  private readonly position = new StepIndex(NAME);
  /** ODE derivatives of the last steps, oldest first, at most LMS_ORDER. */
  private derivatives: Float32Array[] = [];

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, LMS_DEFAULTS, config);
    this.predictionType = requireOneOf(NAME, 'prediction_type', this.config.prediction_type, SIGMA_PREDICTION_TYPES);
    this.training = sigmaTraining(NAME, this.config);
  }

  setTimesteps(numInferenceSteps: number): void {
    const schedule = this.training.schedule(numInferenceSteps);
    this.timesteps = schedule.timesteps.map(f);
    this.sigmas = Float32Array.from([...schedule.sigmas, 0]);
    this.initNoiseSigma = sigmaInitNoise(this.training.spacing, this.sigmas);
    this.position.reset();
    this.derivatives = [];
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.position.current(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const n = sample.length;
    if (this.derivatives.length > 0 && this.derivatives[0].length !== n) {
      throw new EngineError('invalid_input', `${NAME}.step: the sample size changed mid-schedule; call setTimesteps first`);
    }
    const index = this.position.current(this.timesteps, t);
    const sigma = this.sigmas[index];

    // 1. The clean sample the model implies.
    const predOriginalSample = new Float32Array(n);
    predictOriginalFromSigma(predOriginalSample, this.predictionType, modelOutput, sample, sigma);

    // 2. The ODE derivative dx/dsigma = (x - x0) / sigma; the oldest buffer is reused once four are held.
    const derivative = this.derivatives.length === LMS_ORDER ? this.derivatives.shift()! : new Float32Array(n);
    for (let i = 0; i < n; i++) derivative[i] = f(sample[i] - predOriginalSample[i]) / sigma;
    this.derivatives.push(derivative);

    // 3. diffusers computes the coefficients for order min(index + 1, 4) but pairs them with only the derivatives
    // it holds, which after an image-to-image begin index are fewer than that.
    const order = Math.min(index + 1, LMS_ORDER);
    const held = Math.min(order, this.derivatives.length);
    const newest = this.derivatives.length - 1;
    const coefficients = Array.from({ length: held }, (_, j) => f(lmsCoefficient(this.sigmas, index, order, j)));

    // 4. x_next = x + sum_j c_j * d_{newest - j}, summed in that order in float32 as Python's sum() over tensors.
    const prevSample = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let sum = f(coefficients[0] * this.derivatives[newest][i]);
      for (let j = 1; j < held; j++) sum = f(sum + f(coefficients[j] * this.derivatives[newest - j][i]));
      prevSample[i] = sample[i] + sum;
    }
    this.position.advance();
    return { prevSample, predOriginalSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseBySigma(NAME, original, noise, this.sigmas[this.position.forAddNoise(this.timesteps, t)]);
  }

  setBeginIndex(beginIndex: number): void {
    this.position.setBeginIndex(beginIndex);
  }
}

/**
 * The weight of the derivative `current` steps back: the integral from sigma[index] to sigma[index + 1] of the
 * Lagrange basis polynomial that is 1 at sigma[index - current] and 0 at the other `order - 1` nodes. The
 * polynomial has degree order - 1 <= 3, and the 2-point Gauss-Legendre rule is exact up to degree 3, so this is
 * the integral in closed form. diffusers integrates numerically (scipy `quad`, whose first 21-point Gauss-Kronrod
 * pass is also exact for such polynomials) but evaluates the integrand on float32 tensors, so its coefficients carry
 * float32 noise: steps then differ from it by at most 2 float32 ulps.
 */
function lmsCoefficient(sigmas: Float32Array, index: number, order: number, current: number): number {
  const basis = (tau: number) => {
    let product = 1;
    for (let k = 0; k < order; k++) {
      if (k !== current) product *= (tau - sigmas[index - k]) / (sigmas[index - current] - sigmas[index - k]);
    }
    return product;
  };
  const from = sigmas[index];
  const halfWidth = (sigmas[index + 1] - from) / 2;
  const middle = from + halfWidth;
  const offset = halfWidth / Math.sqrt(3);
  return halfWidth * (basis(middle - offset) + basis(middle + offset));
}
