// DPM-Solver-2 in sigma space (Lu et al. 2022, "DPM-Solver", Algorithm 1 as k-diffusion's `sample_dpm_2`): an
// Euler half-step to the geometric mean of two sigmas, then the full step with the slope found there. Each solver
// step takes two model calls, so the schedule interleaves the midpoint timesteps.
// Reference: diffusers scheduling_k_dpm_2_discrete.py, float32 where torch computes in float32.
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { requireSameLength } from './alphaProductMath';
import { requireOneOf, resolveSchedulerConfig, roundHalfToEven, torchExpFloat32 } from './schedulerMath';
import { sigmaToTimestepFloat32 } from './sigmaSchedules';
import { addNoiseBySigma, predictOriginalFromSigma, scaleBySigma, sigmaInitNoise, sigmaTraining, type SigmaTraining } from './sigmaSpaceMath';
import { StepIndex } from './stepIndex';

const f = Math.fround;
const NAME = 'KDPM2DiscreteScheduler';
/** diffusers raises NotImplementedError for "sample" prediction in this class. */
const KDPM2_PREDICTION_TYPES = ['epsilon', 'v_prediction'] as const;

/** diffusers `KDPM2DiscreteScheduler.__init__` defaults. */
const KDPM2_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'linear',
  trained_betas: null as number[] | null,
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
};

export class KDPM2DiscreteScheduler implements Scheduler {
  timesteps: number[] = [];
  sigmas = new Float32Array(0);
  initNoiseSigma = 1;
  readonly order = 2;
  private readonly config: typeof KDPM2_DEFAULTS;
  private readonly training: SigmaTraining;
  private readonly predictionType: (typeof KDPM2_PREDICTION_TYPES)[number];
  private readonly position = new StepIndex(NAME);
  /** The midpoint sigmas, laid out like `sigmas` (diffusers `sigmas_interpol`; the first entry is NaN). */
  private sigmasInterpol = new Float32Array(0);
  /** Between the half-step and the full step: the sample the full step starts from. */
  private halfStepPending = false;
  private firstSample = new Float32Array(0);

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, KDPM2_DEFAULTS, config);
    this.predictionType = requireOneOf(NAME, 'prediction_type', this.config.prediction_type, KDPM2_PREDICTION_TYPES);
    this.training = sigmaTraining(NAME, this.config);
  }

  setTimesteps(numInferenceSteps: number): void {
    const useKarras = this.config.use_karras_sigmas;
    const schedule = this.training.schedule(numInferenceSteps);
    // This class rounds the Karras timesteps (and keeps them float64); otherwise they are float32.
    const timesteps = useKarras ? schedule.timesteps.map(roundHalfToEven) : schedule.timesteps.map(f);
    const sigmas = Float32Array.from([...schedule.sigmas, 0]);
    // Geometric midpoints exp(lerp(log sigma_i, log sigma_{i-1}, 0.5)), on float32 tensors: torch's lerp with
    // weight 0.5 computes `end - (end - start) * 0.5`. Entry 0 pairs sigma_0 with the final 0 (roll) and is NaN.
    const interpol = sigmas.map((sigma, i) => {
      const start = f(Math.log(sigma));
      const end = f(Math.log(sigmas[(i + sigmas.length - 1) % sigmas.length]));
      return torchExpFloat32(f(end - f(f(end - start) * 0.5)));
    });
    const interleave = (values: Float32Array) =>
      Float32Array.from([values[0], ...Array.from(values.subarray(1)).flatMap((v) => [v, v]), values[values.length - 1]]);
    this.sigmas = interleave(sigmas);
    this.sigmasInterpol = interleave(interpol);
    // Timesteps: t_0, then each midpoint's timestep before its step's own: 2n - 1 in all.
    const midpointTimesteps = Array.from(interpol.subarray(1, -1), (sigma) => sigmaToTimestepFloat32(sigma, this.training.logSigmaTable));
    this.timesteps = [timesteps[0], ...timesteps.slice(1).flatMap((t, i) => [midpointTimesteps[i], t])];
    this.initNoiseSigma = sigmaInitNoise(this.training.spacing, this.sigmas);
    this.position.reset();
    this.halfStepPending = false;
  }

  scaleModelInput(sample: Float32Array, t: number): Float32Array {
    const index = this.position.current(this.timesteps, t);
    return scaleBySigma(sample, this.halfStepPending ? this.sigmasInterpol[index] : this.sigmas[index]);
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    requireSameLength(NAME, modelOutput, sample);
    const n = sample.length;
    const index = this.position.current(this.timesteps, t);
    const secondHalf = this.halfStepPending;
    // The half-step runs from sigma to the midpoint; the full step from sigma to sigma_next with the midpoint slope.
    const sigma = secondHalf ? this.sigmas[index - 1] : this.sigmas[index];
    const sigmaMid = secondHalf ? this.sigmasInterpol[index] : this.sigmasInterpol[index + 1];
    const sigmaNext = secondHalf ? this.sigmas[index] : this.sigmas[index + 1];
    const sigmaOfSample = secondHalf ? sigmaMid : sigma;

    const predOriginalSample = new Float32Array(n);
    predictOriginalFromSigma(predOriginalSample, this.predictionType, modelOutput, sample, sigmaOfSample);

    const dt = secondHalf ? f(sigmaNext - sigma) : f(sigmaMid - sigma);
    if (!secondHalf) {
      if (this.firstSample.length !== n) this.firstSample = new Float32Array(n);
      this.firstSample.set(sample);
    }
    const start = secondHalf ? this.firstSample : sample;
    const prevSample = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const derivative = f(f(sample[i] - predOriginalSample[i]) / sigmaOfSample);
      prevSample[i] = start[i] + f(derivative * dt);
    }
    this.halfStepPending = !secondHalf;
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
