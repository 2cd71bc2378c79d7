// PNDM's pseudo linear multistep sampler (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on
// Manifolds", PLMS), as Stable Diffusion runs it with skip_prk_steps: the first step is taken twice (the
// second timestep appears twice in the schedule) to warm up the 4th-order Adams-Bashforth history.
// Reference: diffusers scheduling_pndm.py (`set_timesteps`, `step_plms`, `_get_prev_sample`).
import { EngineError, SchedulerConfigError } from '../errors';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { BETA_SCHEDULE_DEFAULTS, alphasCumprod, makeBetas, resolveSchedulerConfig, roundHalfToEven } from './schedulerMath';
import { requireStepCount, requireTimestepSpacing, requireTimestepsInRange, spacedTimesteps } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';
import { addNoiseAtTimestep, alphaProductAt, requirePredictionType, requireSameLength } from './alphaProductMath';

const f = Math.fround;
const NAME = 'PNDMScheduler';

/**
 * diffusers `PNDMScheduler.__init__` defaults. PNDM has no `rescale_betas_zero_snr`; like diffusers, a config
 * that sets it is read without it.
 */
const { rescale_betas_zero_snr: _notAPndmKey, ...PNDM_BETA_DEFAULTS } = BETA_SCHEDULE_DEFAULTS;
const PNDM_DEFAULTS = {
  ...PNDM_BETA_DEFAULTS,
  skip_prk_steps: false,
  set_alpha_to_one: false,
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
  steps_offset: 0,
};

export class PNDMScheduler implements Scheduler {
  timesteps: number[] = [];
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof PNDM_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: 'epsilon' | 'v_prediction';
  private readonly alphasCumprod: Float32Array;
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;
  /** Steps taken since setTimesteps: PNDM counts its own steps instead of looking up the timestep. */
  private counter = 0;
  /** The last four model outputs the multistep formula combines, newest last (diffusers `ets`). */
  private history: Float32Array[] = [];
  /** The sample the warm-up step started from; the repeated step restarts from it. */
  private warmUpSample: Float32Array | null = null;
  /** Scratch for the combined model output, reused from step to step. */
  private slope: Float32Array | null = null;

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, PNDM_DEFAULTS, config);
    if (!this.config.skip_prk_steps) {
      // The Runge-Kutta warm-up (PRK) is not ported; every Stable Diffusion config sets skip_prk_steps.
      throw new SchedulerConfigError(`${NAME} config "skip_prk_steps": expected true (PRK steps are not supported), got false`);
    }
    this.spacing = requireTimestepSpacing(NAME, this.config.timestep_spacing);
    this.predictionType = requirePredictionType(NAME, this.config.prediction_type, ['epsilon', 'v_prediction']);
    this.alphasCumprod = alphasCumprod(makeBetas(NAME, { ...this.config, rescale_betas_zero_snr: false }));
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(numInferenceSteps: number): void {
    const { num_train_timesteps: trainSteps, steps_offset: offset } = this.config;
    requireStepCount(NAME, numInferenceSteps, trainSteps);
    // PNDM's linspace spacing has no steps_offset; its other spacings match DDIM's.
    const spaced = spacedTimesteps(this.spacing, trainSteps, numInferenceSteps, this.spacing === 'linspace' ? 0 : offset);
    const timesteps = spaced.map(roundHalfToEven);
    requireTimestepsInRange(NAME, timesteps, trainSteps, offset);
    // The second timestep is visited twice: once for the warm-up step, once for its correction.
    this.timesteps = timesteps.length > 1 ? [timesteps[0], timesteps[1], ...timesteps.slice(1)] : timesteps;
    this.numInferenceSteps = numInferenceSteps;
    this.counter = 0;
    this.history = [];
  }

  /** PNDM feeds the latent to the model unscaled. */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    if (this.numInferenceSteps === 0) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    requireSameLength(NAME, modelOutput, sample);
    const stepRatio = Math.floor(this.config.num_train_timesteps / this.numInferenceSteps);
    const isCorrection = this.counter === 1;
    if (!isCorrection) this.remember(modelOutput);
    if (this.counter === 0) this.warmUpSample = copyInto(this.warmUpSample, sample);
    const slope = this.combinedModelOutput(modelOutput);
    // The correction redoes the warm-up jump, from the first timestep to this one, with the averaged slope.
    const prevSample = isCorrection
      ? this.prevSample(this.warmUpSample!, t + stepRatio, t, slope)
      : this.prevSample(sample, t, t - stepRatio, slope);
    this.counter++;
    return { prevSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    return addNoiseAtTimestep(NAME, this.alphasCumprod, original, noise, t);
  }

  /**
   * PNDM keeps its own step counter (diffusers has no begin index for it): an image-to-image run simply starts
   * counting at its first timestep.
   */
  setBeginIndex(): void {}

  /** Keeps the newest four model outputs, reusing the buffer of the one that drops out. */
  private remember(modelOutput: Float32Array): void {
    this.history.push(copyInto(this.history.length === 4 ? this.history.shift()! : null, modelOutput));
  }

  /**
   * The model output the step uses: the warm-up average, then Adams-Bashforth of growing order (2, 3, 4) over
   * the history, with float32 rounding after each operation as torch does.
   */
  private combinedModelOutput(modelOutput: Float32Array): Float32Array {
    const h = this.history;
    const e1 = h[h.length - 1];
    const n = modelOutput.length;
    const out = (this.slope = this.slope?.length === n ? this.slope : new Float32Array(n));
    if (this.counter === 1) {
      for (let i = 0; i < n; i++) out[i] = f(modelOutput[i] + e1[i]) / 2;
    } else if (h.length === 1) {
      out.set(modelOutput);
    } else if (h.length === 2) {
      const e2 = h[0];
      for (let i = 0; i < n; i++) out[i] = f(f(3 * e1[i]) - e2[i]) / 2;
    } else if (h.length === 3) {
      const [e3, e2] = h;
      for (let i = 0; i < n; i++) out[i] = f(f(f(23 * e1[i]) - f(16 * e2[i])) + f(5 * e3[i])) / 12;
    } else {
      const [e4, e3, e2] = h;
      const c = f(1 / 24);
      for (let i = 0; i < n; i++) {
        out[i] = c * f(f(f(f(55 * e1[i]) - f(59 * e2[i])) + f(37 * e3[i])) - f(9 * e4[i]));
      }
    }
    return out;
  }

  /** x_{t-delta} from x_t and the noise estimate (Liu et al. eq. 11, diffusers `_get_prev_sample`). */
  private prevSample(sample: Float32Array, from: number, to: number, modelOutput: Float32Array): Float32Array {
    const alphaProd = alphaProductAt(NAME, this.alphasCumprod, from);
    const alphaProdPrev = to >= 0 ? this.alphasCumprod[to] : this.finalAlphaCumprod;
    const betaProd = f(1 - alphaProd);
    const betaProdPrev = f(1 - alphaProdPrev);
    const n = sample.length;
    const eps = modelOutput;
    if (this.predictionType === 'v_prediction') {
      // Velocity to noise: eps = sqrt(alpha-bar) * v + sqrt(1 - alpha-bar) * x_t, in place in the scratch buffer.
      const sqrtAlpha = f(Math.sqrt(alphaProd));
      const sqrtBeta = f(Math.sqrt(betaProd));
      for (let i = 0; i < n; i++) eps[i] = f(sqrtAlpha * eps[i]) + f(sqrtBeta * sample[i]);
    }
    const sampleCoeff = f(Math.sqrt(f(alphaProdPrev / alphaProd)));
    const denominator = f(
      f(alphaProd * f(Math.sqrt(betaProdPrev))) + f(Math.sqrt(f(f(alphaProd * betaProd) * alphaProdPrev))),
    );
    const alphaDiff = f(alphaProdPrev - alphaProd);
    const prev = new Float32Array(n);
    for (let i = 0; i < n; i++) prev[i] = f(sampleCoeff * sample[i]) - f(f(alphaDiff * eps[i]) / denominator);
    return prev;
  }
}

/** Copies `source` into `target` when it has the right size, else into a new array. */
function copyInto(target: Float32Array | null, source: Float32Array): Float32Array {
  const out = target?.length === source.length ? target : new Float32Array(source.length);
  out.set(source);
  return out;
}
