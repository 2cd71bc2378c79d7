// Heun's second-order method in sigma space (Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based
// Generative Models", Algorithm 1 with gamma = 0): an Euler step, then a correction with the averaged slope. Each
// solver step takes two model calls, so the schedule lists every timestep after the first twice.
// Reference: diffusers scheduling_heun_discrete.py, float32 where torch computes in float32.
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
const NAME = 'HeunDiscreteScheduler';

/** diffusers `HeunDiscreteScheduler.__init__` defaults. */
const HEUN_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'linear',
  trained_betas: null as number[] | null,
  prediction_type: 'epsilon',
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  clip_sample: false,
  clip_sample_range: 1.0,
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

export class HeunDiscreteScheduler implements Scheduler {
  timesteps: number[] = [];
  sigmas = new Float32Array(0);
  initNoiseSigma = 1;
  readonly order = 2;
  private readonly config: typeof HEUN_DEFAULTS;
  private readonly training: SigmaTraining;
  private readonly predictionType: SigmaPredictionType;
  private readonly position = new StepIndex(NAME);
  /** Between the Euler step and its correction: the Euler step's slope, size and starting sample. */
  private pendingDt: number | null = null;
  private firstDerivative = new Float32Array(0);
  private firstSample = new Float32Array(0);

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, HEUN_DEFAULTS, config);
    this.predictionType = requireOneOf(NAME, 'prediction_type', this.config.prediction_type, SIGMA_PREDICTION_TYPES);
    this.training = sigmaTraining(NAME, this.config);
  }

  setTimesteps(numInferenceSteps: number): void {
    const schedule = this.training.schedule(numInferenceSteps);
    // Every sigma and timestep but the first is visited twice (Euler step, then correction): 2n - 1 timesteps,
    // and 2n sigmas ending in 0.
    const sigmas = [...schedule.sigmas, 0];
    this.sigmas = Float32Array.from([sigmas[0], ...sigmas.slice(1, -1).flatMap((s) => [s, s]), 0]);
    this.timesteps = [schedule.timesteps[0], ...schedule.timesteps.slice(1).flatMap((t) => [t, t])].map(f);
    this.initNoiseSigma = sigmaInitNoise(this.training.spacing, this.sigmas);
    this.position.reset();
    this.pendingDt = null;
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    return scaleBySigma(sample, this.sigmas[this.position.current(this.timesteps, t)]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const n = sample.length;
    const index = this.position.current(this.timesteps, t);
    const dt = this.pendingDt;
    // The Euler step runs from sigma[index] to sigma[index + 1]; its correction re-evaluates at the far end.
    const sigma = dt === null ? this.sigmas[index] : this.sigmas[index - 1];
    const sigmaNext = dt === null ? this.sigmas[index + 1] : this.sigmas[index];
    const sigmaOfSample = dt === null ? sigma : sigmaNext;

    const predOriginalSample = new Float32Array(n);
    predictOriginalFromSigma(predOriginalSample, this.predictionType, modelOutput, sample, sigmaOfSample);
    if (this.config.clip_sample) {
      const limit = f(this.config.clip_sample_range);
      for (let i = 0; i < n; i++) predOriginalSample[i] = Math.min(Math.max(predOriginalSample[i], -limit), limit);
    }

    const prevSample = new Float32Array(n);
    if (dt === null) {
      // 1st order: x_next = x + d * (sigma_next - sigma) with d = (x - x0) / sigma; keep d, dt and x.
      const eulerDt = f(sigmaNext - sigma);
      if (this.firstDerivative.length !== n) {
        this.firstDerivative = new Float32Array(n);
        this.firstSample = new Float32Array(n);
      }
      for (let i = 0; i < n; i++) {
        const derivative = f(f(sample[i] - predOriginalSample[i]) / sigma);
        this.firstDerivative[i] = derivative;
        prevSample[i] = sample[i] + f(derivative * eulerDt);
      }
      this.firstSample.set(sample);
      this.pendingDt = eulerDt;
    } else {
      // 2nd order: redo the step from the kept sample with the mean of both slopes.
      for (let i = 0; i < n; i++) {
        const derivative = f(f(sample[i] - predOriginalSample[i]) / sigmaNext);
        const meanDerivative = f(f(this.firstDerivative[i] + derivative) / 2);
        prevSample[i] = this.firstSample[i] + f(meanDerivative * dt);
      }
      this.pendingDt = null;
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
