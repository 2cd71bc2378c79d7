// DPM-Solver (Lu et al. 2022, "DPM-Solver", arXiv:2206.00927) and DPM-Solver++ (Lu et al. 2022, "DPM-Solver++",
// arXiv:2211.01095), multistep orders 1-3, with the SDE variant of DPM-Solver++: exponential integrators in
// log-SNR time that reuse the previous model outputs. With use_karras_sigmas this is "DPM++ 2M Karras".
// Reference: diffusers scheduling_dpmsolver_multistep.py, float32 where torch computes in float32.
import { EngineError, SchedulerConfigError, describeValue } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
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
import {
  BETA_SCHEDULE_DEFAULTS,
  drawStepNoise,
  requireDisabled,
  requireOneOf,
  resolveSchedulerConfig,
  roundHalfToEven,
  torchExpFloat32,
} from './schedulerMath';
import { karrasSigmas, sigmaToTimestep } from './sigmaSchedules';
import { StepIndex } from './stepIndex';
import { requireStepCount, requireTimestepSpacing, requireTimestepsInRange } from './timestepSpacing';
import type { TimestepSpacing } from './timestepSpacing';

const f = Math.fround;
const NAME = 'DPMSolverMultistepScheduler';
/** "sde-dpmsolver" is deprecated in diffusers and its third order is missing there, so it is not offered. */
const ALGORITHM_TYPES = ['dpmsolver++', 'dpmsolver', 'sde-dpmsolver++'] as const;
type AlgorithmType = (typeof ALGORITHM_TYPES)[number];

/** diffusers `DPMSolverMultistepScheduler.__init__` defaults. */
const DPM_DEFAULTS = {
  ...BETA_SCHEDULE_DEFAULTS,
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  algorithm_type: 'dpmsolver++',
  solver_type: 'midpoint',
  lower_order_final: true,
  euler_at_final: false,
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  use_lu_lambdas: false,
  use_flow_sigmas: false,
  flow_shift: 1.0,
  final_sigmas_type: 'zero',
  lambda_min_clipped: -Infinity,
  variance_type: null as string | null,
  timestep_spacing: 'linspace',
  steps_offset: 0,
  use_dynamic_shifting: false,
  time_shift_type: 'exponential',
};

export class DPMSolverMultistepScheduler implements Scheduler {
  timesteps: number[];
  sigmas?: Float32Array;
  readonly initNoiseSigma = 1;
  readonly order = 1;
  private readonly config: typeof DPM_DEFAULTS;
  private readonly spacing: TimestepSpacing;
  private readonly predictionType: MultistepPredictionType;
  private readonly algorithm: AlgorithmType;
  private readonly solverType: 'midpoint' | 'heun';
  private readonly training: VpTrainingSchedule;
  private readonly position = new StepIndex(NAME);
  private readonly history: OutputHistory;
  /** How many steps have run since setTimesteps, capped at solver_order (diffusers `lower_order_nums`). */
  private lowerOrderNums = 0;

  constructor(config: Record<string, unknown>) {
    this.config = resolveSchedulerConfig(NAME, DPM_DEFAULTS, {
      ...config,
      lambda_min_clipped: pythonFloat('lambda_min_clipped', config.lambda_min_clipped),
    });
    const c = this.config;
    this.spacing = requireTimestepSpacing(NAME, c.timestep_spacing);
    this.predictionType = requireOneOf(NAME, 'prediction_type', c.prediction_type, MULTISTEP_PREDICTION_TYPES);
    requireOneOf(NAME, 'solver_order', String(c.solver_order), ['1', '2', '3']);
    // diffusers' __init__ replaces the names of other solvers' variants ("deis"; UniPC's "bh1", "bh2") by its own.
    this.algorithm = requireOneOf(NAME, 'algorithm_type', c.algorithm_type === 'deis' ? 'dpmsolver++' : c.algorithm_type, ALGORITHM_TYPES);
    const solverType = ['logrho', 'bh1', 'bh2'].includes(c.solver_type) ? 'midpoint' : c.solver_type;
    this.solverType = requireOneOf(NAME, 'solver_type', solverType, ['midpoint', 'heun']);
    requireOneOf(NAME, 'final_sigmas_type', c.final_sigmas_type, FINAL_SIGMA_TYPES);
    if (this.algorithm === 'dpmsolver' && c.final_sigmas_type === 'zero') {
      throw new SchedulerConfigError(
        `${NAME} config "final_sigmas_type": expected sigma_min with algorithm_type dpmsolver (as diffusers requires), got "zero"`,
      );
    }
    for (const key of ['thresholding', 'use_exponential_sigmas', 'use_beta_sigmas', 'use_lu_lambdas', 'use_flow_sigmas', 'use_dynamic_shifting'] as const) {
      requireDisabled(NAME, key, c[key]);
    }
    if (c.variance_type !== null) {
      throw new SchedulerConfigError(`${NAME} config "variance_type": expected null (learned variance is not supported), got ${describeValue(c.variance_type)}`);
    }
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
    if (c.use_karras_sigmas) {
      sigmas = karrasSigmas(trainSigmas[0], trainSigmas[trainSteps - 1], numInferenceSteps);
      // The cast to int64 truncates the fractional timesteps that diffusers leaves unrounded for the cosine schedule.
      const toInteger = c.beta_schedule === 'squaredcos_cap_v2' ? Math.trunc : roundHalfToEven;
      timesteps = sigmas.map((sigma) => toInteger(sigmaToTimestep(sigma, this.training.logSigmas)));
    } else {
      const lastTimestep = trainSteps - this.clippedTimesteps();
      timesteps = lastTimestep > 0 ? multistepTimesteps(this.spacing, numInferenceSteps, lastTimestep, trainSteps, c.steps_offset) : [];
      if (timesteps.length === 0) {
        throw new SchedulerConfigError(
          `${NAME} config "lambda_min_clipped": ${c.lambda_min_clipped} leaves ${lastTimestep} of ${trainSteps} timesteps, ` +
            `too few for ${numInferenceSteps} steps with "${this.spacing}" spacing`,
        );
      }
      requireTimestepsInRange(NAME, timesteps, trainSteps, c.steps_offset);
      sigmas = timesteps.map((t) => trainSigmas[t]);
    }
    const finalSigma = c.final_sigmas_type === 'sigma_min' ? trainSigmas[0] : 0;
    this.sigmas = Float32Array.from([...sigmas, finalSigma]);
    this.timesteps = timesteps;
    this.position.reset();
    this.history.clear();
    this.lowerOrderNums = 0;
  }

  /** DPM-Solver feeds the latent to the model unscaled (the same array comes back). */
  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, noise?: NoiseSource): SchedulerStepResult {
    const sigmas = this.sigmas;
    if (!sigmas) throw new EngineError('invalid_input', `${NAME}.step: call setTimesteps first`);
    requireSameLength(NAME, modelOutput, sample);
    const c = this.config;
    const index = this.position.current(this.timesteps, t);
    const count = this.timesteps.length;
    // Lower orders near the end are more stable for short schedules, and needed when the final sigma is 0.
    const lowerOrderFinal =
      index === count - 1 && (c.euler_at_final || (c.lower_order_final && count < 15) || c.final_sigmas_type === 'zero');
    const lowerOrderSecond = index === count - 2 && c.lower_order_final && count < 15;

    const converted = this.history.spare(sample.length);
    const target = this.algorithm === 'dpmsolver' ? 'noise' : 'data';
    convertModelOutput(converted, target, this.predictionType, modelOutput, sample, alphaSigmaAt(sigmas[index]));
    this.history.push(converted);
    const stepNoise = this.algorithm === 'sde-dpmsolver++' ? drawStepNoise(NAME, noise, sample.length) : null;

    let order = 3;
    if (c.solver_order === 1 || this.lowerOrderNums < 1 || lowerOrderFinal) order = 1;
    else if (c.solver_order === 2 || this.lowerOrderNums < 2 || lowerOrderSecond) order = 2;
    const prevSample = this.update(order, index, sample, stepNoise);

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

  /**
   * How many of the noisiest training timesteps lambda_min_clipped removes: those whose log-SNR lies below it
   * (diffusers `searchsorted` over the increasing float32 lambdas; clipping matters for the cosine schedule).
   */
  private clippedTimesteps(): number {
    const threshold = f(this.config.lambda_min_clipped);
    const cumprod = this.training.alphasCumprod;
    let clipped = 0;
    for (let t = cumprod.length - 1; t >= 0; t--) {
      const lambda = logSnr({ alpha: f(Math.sqrt(cumprod[t])), sigma: f(Math.sqrt(f(1 - cumprod[t]))) });
      if (!(lambda >= threshold)) clipped++;
      else break;
    }
    return clipped;
  }

  /**
   * x_{t} from x_{s0} with the last `order` outputs m0 (newest), m1, m2, as the sums of diffusers'
   * `dpm_solver_first_order_update` / `multistep_dpm_solver_{second,third}_order_update`, term by term in float32.
   * Differences of outputs form D1 = (m0 - m1) / r0 and, at order 3, D2.
   */
  private update(order: number, index: number, sample: Float32Array, noise: Float32Array | null): Float32Array {
    const sigmas = this.sigmas!;
    const at = alphaSigmaAt(sigmas[index + 1]);
    const s0 = alphaSigmaAt(sigmas[index]);
    const lambdaT = logSnr(at);
    const lambdaS0 = logSnr(s0);
    const h = f(lambdaT - lambdaS0);
    const k = updateCoefficients(this.algorithm, this.solverType, order, at, s0, h);
    const m0 = this.history.back(0);
    const n = sample.length;
    const out = new Float32Array(n);
    if (order === 1) {
      for (let i = 0; i < n; i++) {
        const x = f(f(k.sample * sample[i]) + f(k.d0 * m0[i]));
        out[i] = noise ? x + f(k.noise * noise[i]) : x;
      }
      return out;
    }
    const m1 = this.history.back(1);
    const lambdaS1 = logSnr(alphaSigmaAt(sigmas[index - 1]));
    const r0 = f(f(lambdaS0 - lambdaS1) / h);
    const invR0 = f(1 / r0);
    if (order === 2) {
      for (let i = 0; i < n; i++) {
        const d1 = f(invR0 * f(m0[i] - m1[i]));
        const x = f(f(f(k.sample * sample[i]) + f(k.d0 * m0[i])) + f(k.d1 * d1));
        out[i] = noise ? x + f(k.noise * noise[i]) : x;
      }
      return out;
    }
    const m2 = this.history.back(2);
    const lambdaS2 = logSnr(alphaSigmaAt(sigmas[index - 2]));
    const r1 = f(f(lambdaS1 - lambdaS2) / h);
    const invR1 = f(1 / r1);
    const r0Share = f(r0 / f(r0 + r1));
    const invR01 = f(1 / f(r0 + r1));
    for (let i = 0; i < n; i++) {
      const d10 = f(invR0 * f(m0[i] - m1[i]));
      const d11 = f(invR1 * f(m1[i] - m2[i]));
      const d1 = f(d10 + f(r0Share * f(d10 - d11)));
      const d2 = f(invR01 * f(d10 - d11));
      const x = f(f(f(f(k.sample * sample[i]) + f(k.d0 * m0[i])) + f(k.d1 * d1)) + f(k.d2 * d2));
      out[i] = noise ? x + f(k.noise * noise[i]) : x;
    }
    return out;
  }
}

interface UpdateCoefficients {
  sample: number;
  d0: number;
  d1: number;
  d2: number;
  noise: number;
}

/**
 * The scalar weights of x, D0 = m0, D1, D2 and the noise in one update, signed so that the update is their sum
 * (negating a float is exact, so `a - b*c` and `a + (-b)*c` round alike).
 */
function updateCoefficients(
  algorithm: AlgorithmType,
  solverType: 'midpoint' | 'heun',
  order: number,
  at: { alpha: number; sigma: number },
  s0: { alpha: number; sigma: number },
  h: number,
): UpdateCoefficients {
  const hSquared = f(h * h);
  if (algorithm === 'dpmsolver++') {
    // Data prediction: x_t = (sigma_t / sigma_s) x - alpha_t (e^-h - 1) D0 + ... (DPM-Solver++ eq. 8, App. B).
    const expm1 = f(f(torchExpFloat32(-h)) - 1);
    const d0 = -f(at.alpha * expm1);
    const heunD1 = f(at.alpha * f(f(expm1 / h) + 1));
    const d1 = order === 3 || solverType === 'heun' ? heunD1 : f(0.5 * d0);
    const d2 = -f(at.alpha * f(f(f(expm1 + h) / hSquared) - 0.5));
    return { sample: f(at.sigma / s0.sigma), d0, d1, d2, noise: 0 };
  }
  if (algorithm === 'dpmsolver') {
    // Noise prediction: x_t = (alpha_t / alpha_s) x - sigma_t (e^h - 1) D0 - ... (DPM-Solver eq. 3.7 and App. B).
    const expm1 = f(f(torchExpFloat32(h)) - 1);
    const d0 = -f(at.sigma * expm1);
    const heunD1 = -f(at.sigma * f(f(expm1 / h) - 1));
    const d1 = order === 3 || solverType === 'heun' ? heunD1 : f(0.5 * d0);
    const d2 = -f(at.sigma * f(f(f(expm1 - h) / hSquared) - 0.5));
    return { sample: f(at.alpha / s0.alpha), d0, d1, d2, noise: 0 };
  }
  // SDE-DPM-Solver++ (DPM-Solver++ paper, sec. 5): the data-prediction update with e^-2h and injected noise.
  const twoH = f(2 * h);
  const decay = f(torchExpFloat32(-twoH));
  const oneMinusDecay = f(1 - decay);
  const d0 = f(at.alpha * oneMinusDecay);
  const heunD1 = f(at.alpha * f(f(oneMinusDecay / -twoH) + 1));
  const d1 = order === 3 || solverType === 'heun' ? heunD1 : f(0.5 * d0);
  const d2 = f(at.alpha * f(f(f(oneMinusDecay - twoH) / f(twoH * twoH)) - 0.5));
  return {
    sample: f(f(at.sigma / s0.sigma) * f(torchExpFloat32(-h))),
    d0,
    d1,
    d2,
    noise: f(at.sigma * f(Math.sqrt(oneMinusDecay))),
  };
}

/**
 * A float config value as Python's JSON writer may leave it: a number, or "-inf", "inf", "nan" (also spelled
 * "-Infinity", "Infinity", "NaN"). Anything else is returned as is, for the type check to reject.
 */
function pythonFloat(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const spelled: Record<string, number> = { '-inf': -Infinity, '-infinity': -Infinity, inf: Infinity, infinity: Infinity, nan: NaN };
  const parsed = spelled[value.trim().toLowerCase()];
  if (parsed === undefined) {
    throw new SchedulerConfigError(`${NAME} config "${key}": expected a number, "-inf", "inf" or "nan", got ${describeValue(value)}`);
  }
  return parsed;
}
