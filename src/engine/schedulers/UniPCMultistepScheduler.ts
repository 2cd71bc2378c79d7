// UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion
// Models", arXiv:2302.04867): a multistep predictor (UniP) plus a corrector (UniC) that refines each new sample with
// the model output evaluated there, at no extra model call. B(h) variants bh1 and bh2, data or noise prediction.
// Reference: diffusers scheduling_unipc_multistep.py, float32 where torch computes in float32.
import { EngineError, SchedulerConfigError, describeValue } from '../errors';
import type { Scheduler, SchedulerStepResult } from './Scheduler';
import { requireSameLength } from './alphaProductMath';
import {
  FINAL_SIGMA_TYPES,
  MULTISTEP_PREDICTION_TYPES,
  OutputHistory,
  addNoiseVp,
  alphaSigmaAt,
  convertModelOutput,
  logSnr,
  multistepTimesteps,
  vpTrainingSchedule,
} from './multistepMath';
import type { MultistepPredictionType, VpTrainingSchedule } from './multistepMath';
import { BETA_SCHEDULE_DEFAULTS, requireDisabled, requireOneOf, resolveSchedulerConfig, roundHalfToEven } from './schedulerMath';
import { karrasSigmas, sigmaToTimestep } from './sigmaSchedules';
import { StepIndex } from './stepIndex';
import { requireStepCount, requireTimestepSpacing, requireTimestepsInRange } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';

const f = Math.fround;
const NAME = 'UniPCMultistepScheduler';

/** diffusers `UniPCMultistepScheduler.__init__` defaults. */
const UNIPC_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  predict_x0: true,
  solver_type: 'bh2',
  lower_order_final: true,
  disable_corrector: [] as unknown[],
  solver_p: null as unknown,
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  use_flow_sigmas: false,
  flow_shift: 1.0,
  timestep_spacing: 'linspace',
  steps_offset: 0,
  final_sigmas_type: 'zero',
  use_dynamic_shifting: false,
  time_shift_type: 'exponential',
  sigma_min: null as number | null,
  sigma_max: null as number | null,
  shift_terminal: null as unknown,
};

export class UniPCMultistepScheduler implements Scheduler {
  timesteps: number[];
  sigmas?: Float32Array;
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof UNIPC_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: MultistepPredictionType;
  private readonly solverType: 'bh1' | 'bh2';
  private readonly disabledCorrectorSteps: Set<number>;
  private readonly training: VpTrainingSchedule;
  private readonly position = new StepIndex(NAME);
  private readonly history: OutputHistory;
  private lowerOrderNums = 0;
  /** The order the last predictor used, which its corrector repeats (diffusers `this_order`). */
  private lastOrder = 0;
  /** The sample the last predictor started from (diffusers `last_sample`); the corrector rewrites it in place. */
  private lastSample: Float32Array | null = null;

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, UNIPC_DEFAULTS, config);
    const c = this.config;
    this.spacing = requireTimestepSpacing(NAME, c.timestep_spacing);
    this.predictionType = requireOneOf(NAME, 'prediction_type', c.prediction_type, MULTISTEP_PREDICTION_TYPES);
    requireOneOf(NAME, 'solver_order', String(c.solver_order), ['1', '2', '3']);
    // diffusers' __init__ replaces DPM-Solver's solver types by its default.
    const solverType = ['midpoint', 'heun', 'logrho'].includes(c.solver_type) ? 'bh2' : c.solver_type;
    this.solverType = requireOneOf(NAME, 'solver_type', solverType, ['bh1', 'bh2']);
    requireOneOf(NAME, 'final_sigmas_type', c.final_sigmas_type, FINAL_SIGMA_TYPES);
    if (!c.predict_x0 && c.final_sigmas_type === 'zero') {
      // The noise-prediction update multiplies sigma_t = 0 by e^h - 1 = inf on the last step: NaN in diffusers too.
      throw new SchedulerConfigError(
        `${NAME} config "final_sigmas_type": expected sigma_min when predict_x0 is false (a final sigma of 0 gives NaN), got "zero"`,
      );
    }
    for (const key of ['thresholding', 'use_exponential_sigmas', 'use_beta_sigmas', 'use_flow_sigmas', 'use_dynamic_shifting'] as const) {
      requireDisabled(NAME, key, c[key]);
    }
    for (const key of ['solver_p', 'shift_terminal'] as const) {
      if (c[key] !== null) {
        throw new SchedulerConfigError(`${NAME} config "${key}": expected null (not supported), got ${describeValue(c[key])}`);
      }
    }
    for (const key of ['sigma_min', 'sigma_max'] as const) {
      if (c[key] !== null && typeof c[key] !== 'number') {
        throw new SchedulerConfigError(`${NAME} config "${key}": expected a number or null, got ${describeValue(c[key])}`);
      }
    }
    if (!c.disable_corrector.every(Number.isInteger)) {
      throw new SchedulerConfigError(`${NAME} config "disable_corrector": expected a list of step indices (integers)`);
    }
    this.disabledCorrectorSteps = new Set(c.disable_corrector as number[]);
    this.training = vpTrainingSchedule(NAME, c);
    this.history = new OutputHistory(c.solver_order);
    // Before setTimesteps diffusers lists every training timestep, and refuses to step.
    this.timesteps = Array.from({ length: c.num_train_timesteps }, (_, i) => c.num_train_timesteps - 1 - i);
  }

  setTimesteps(numInferenceSteps: number): void {
    const c = this.config;
    const trainSteps = c.num_train_timesteps;
    requireStepCount(NAME, numInferenceSteps, trainSteps);
    const trainSigmas = this.training.sigmas;
    let timesteps: number[];
    let sigmas: number[];
    let finalSigma: number;
    if (c.use_karras_sigmas) {
      const sigmaMin = c.sigma_min ?? trainSigmas[0];
      sigmas = karrasSigmas(sigmaMin, c.sigma_max ?? trainSigmas[trainSteps - 1], numInferenceSteps);
      timesteps = sigmas.map((sigma) => roundHalfToEven(sigmaToTimestep(sigma, this.training.logSigmas)));
      finalSigma = c.final_sigmas_type === 'sigma_min' ? sigmas[sigmas.length - 1] : 0;
    } else {
      timesteps = multistepTimesteps(this.spacing, numInferenceSteps, trainSteps, trainSteps, c.steps_offset);
      requireTimestepsInRange(NAME, timesteps, trainSteps, c.steps_offset);
      sigmas = timesteps.map((t) => trainSigmas[t]);
      finalSigma = c.final_sigmas_type === 'sigma_min' ? trainSigmas[0] : 0;
    }
    this.sigmas = Float32Array.from([...sigmas, finalSigma]);
    this.timesteps = timesteps;
    this.position.reset();
    this.history.clear();
    this.lowerOrderNums = 0;
    this.lastSample = null;
  }

  /** UniPC feeds the latent to the model unscaled (the same array comes back). */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array): SchedulerStepResult {
    const sigmas = this.sigmas;
    if (!sigmas) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    requireSameLength(NAME, modelOutput, sample);
    const c = this.config;
    const n = sample.length;
    const index = this.position.current(this.timesteps, t);
    const converted = this.history.spare(n);
    convertModelOutput(converted, c.predict_x0 ? 'data' : 'noise', this.predictionType, modelOutput, sample, alphaSigmaAt(sigmas[index]));

    // UniC: redo the last step from its starting sample, now that the model output at its end is known.
    const last = this.lastSample;
    if (index > 0 && last !== null && !this.disabledCorrectorSteps.has(index - 1)) {
      if (last.length !== n) throw new EngineError('invalid_input', `${NAME}.step: the sample size changed mid-schedule`);
      this.correct(last, converted, index);
    } else {
      if (last === null || last.length !== n) this.lastSample = new Float32Array(n);
      this.lastSample!.set(sample);
    }
    this.history.push(converted);

    // UniP: fewer history terms at the start (warm-up) and, with lower_order_final, near the end.
    const remaining = this.timesteps.length - index;
    const order = Math.min(c.lower_order_final ? Math.min(c.solver_order, remaining) : c.solver_order, this.lowerOrderNums + 1);
    const prevSample = this.predict(this.lastSample!, index, order);
    this.lastOrder = order;
    if (this.lowerOrderNums < c.solver_order) this.lowerOrderNums++;
    this.position.advance();
    return { prevSample };
  }

  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    if (!this.sigmas) throw new EngineError('invalid_input', `${NAME}.addNoise: call setTimesteps first`);
    return addNoiseVp(NAME, original, noise, this.sigmas[this.position.forAddNoise(this.timesteps, t)]);
  }

  setBeginIndex(beginIndex: number): void {
    this.position.setBeginIndex(beginIndex);
  }

  /** diffusers `multistep_uni_p_bh_update`: from `x` at sigma[index] to sigma[index + 1], into a new array. */
  private predict(x: Float32Array, index: number, order: number): Float32Array {
    const terms = this.bhTerms(index + 1, index, order);
    // rho_p: 0.5 at order 2 (diffusers' simplified choice); from order 3 the solution of R[:-1, :-1] rho = b[:-1].
    const rhos = order === 2 ? [0.5] : order > 2 ? solveLinear(terms.matrix(order - 1), terms.b.slice(0, -1)) : [];
    const out = new Float32Array(x.length);
    this.combine(out, x, terms, rhos, null, 0);
    return out;
  }

  /** diffusers `multistep_uni_c_bh_update`: rewrites `x` (the last step's start) as the corrected sample at sigma[index]. */
  private correct(x: Float32Array, modelOutputNow: Float32Array, index: number): void {
    const order = this.lastOrder;
    const terms = this.bhTerms(index, index - 1, order);
    const rhos = order === 1 ? [0.5] : solveLinear(terms.matrix(order), terms.b);
    this.combine(x, x, terms, rhos.slice(0, -1), modelOutputNow, rhos[rhos.length - 1]);
  }

  /**
   * The B(h) terms of one update from sigma[from] to sigma[to] over `order` model outputs (newest first in the
   * history): the step h in log-SNR, the ratios r_k of the earlier steps to it, h·phi_1(h), B(h) and the vector b.
   */
  private bhTerms(to: number, from: number, order: number): BhTerms {
    const sigmas = this.sigmas!;
    const target = alphaSigmaAt(sigmas[to]);
    const base = alphaSigmaAt(sigmas[from]);
    const lambdaBase = logSnr(base);
    const h = f(logSnr(target) - lambdaBase);
    // r_k for the outputs 1..order-1 steps before the base one, then 1.
    const rks = Array.from({ length: order - 1 }, (_, k) => f(f(logSnr(alphaSigmaAt(sigmas[from - 1 - k])) - lambdaBase) / h));
    rks.push(1);
    const hh = this.config.predict_x0 ? -h : h;
    const hPhi1 = f(Math.expm1(hh));
    const bH = this.solverType === 'bh1' ? hh : hPhi1;
    const b: number[] = [];
    let hPhiK = f(f(hPhi1 / hh) - 1);
    let factorial = 1;
    for (let i = 1; i <= order; i++) {
      b.push(f(f(hPhiK * factorial) / bH));
      factorial *= i + 1;
      hPhiK = f(f(hPhiK / hh) - f(1 / factorial));
    }
    const x0 = this.config.predict_x0;
    return {
      rks,
      b,
      // R[i][k] = r_k^i (torch.pow of float32; squares are exact in double, so one rounding matches).
      matrix: (size) => Array.from({ length: size }, (_, i) => rks.slice(0, size).map((r) => f(r ** i))),
      sampleScale: x0 ? f(target.sigma / base.sigma) : f(target.alpha / base.alpha),
      outputScale: x0 ? f(target.alpha * hPhi1) : f(target.sigma * hPhi1),
      correctionScale: x0 ? f(target.alpha * bH) : f(target.sigma * bH),
    };
  }

  /**
   * out = (s·x - c·m0) - B·(sum_k rho_k·D_k [+ rhoNow·(mNow - m0)]) with D_k = (m_k - m0) / r_k, in float32 term
   * by term as torch evaluates it. m0 is the newest output in the history; `out` may be `x` itself.
   */
  private combine(
    out: Float32Array,
    x: Float32Array,
    terms: BhTerms,
    rhos: number[],
    modelOutputNow: Float32Array | null,
    rhoNow: number,
  ): void {
    const m0 = this.history.back(0);
    const earlier = rhos.map((_, k) => this.history.back(k + 1));
    const { sampleScale, outputScale, correctionScale, rks } = terms;
    for (let i = 0; i < out.length; i++) {
      const base = f(f(sampleScale * x[i]) - f(outputScale * m0[i]));
      let residual = 0;
      for (let k = 0; k < rhos.length; k++) {
        const term = f(f(f(earlier[k][i] - m0[i]) / rks[k]) * rhos[k]);
        residual = k === 0 ? term : f(residual + term);
      }
      if (modelOutputNow !== null) {
        const now = f(rhoNow * f(modelOutputNow[i] - m0[i]));
        residual = rhos.length > 0 ? f(residual + now) : now;
      } else if (rhos.length === 0) {
        out[i] = base;
        continue;
      }
      out[i] = base - f(correctionScale * residual);
    }
  }
}

interface BhTerms {
  rks: number[];
  b: number[];
  matrix: (size: number) => number[][];
  sampleScale: number;
  outputScale: number;
  correctionScale: number;
}

/**
 * Solves `matrix · x = rhs` by Gaussian elimination with partial pivoting in float64, rounded to float32. torch's
 * float32 `linalg.solve` (LAPACK sgesv) may differ from this in the last bit.
 */
function solveLinear(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let row = col + 1; row < n; row++) {
      const factor = a[row][col] / a[col][col];
      for (let k = col; k <= n; k++) a[row][k] -= factor * a[col][k];
    }
  }
  const x = new Array<number>(n);
  for (let row = n - 1; row >= 0; row--) {
    let sum = a[row][n];
    for (let k = row + 1; k < n; k++) sum -= a[row][k] * x[k];
    x[row] = sum / a[row][row];
  }
  return x.map(f);
}
