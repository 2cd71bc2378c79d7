// Shared numerics for the schedulers: config resolution, beta schedules, and the numpy/torch array
// helpers (linspace, interp) whose exact rounding the reference vectors depend on.
// Reference: diffusers' scheduling_*.py (betas, alphas_cumprod, rescale_zero_terminal_snr).
import { SchedulerConfigError, describeValue } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import { fma32 } from '../float32';

/** Keys every diffusers noise schedule shares; each class adds its own on top. */
export interface BetaScheduleConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: string;
  trained_betas: number[] | null;
  rescale_betas_zero_snr: boolean;
}

export const BETA_SCHEDULE_DEFAULTS: BetaScheduleConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null,
  rescale_betas_zero_snr: false,
};

/**
 * Merges a scheduler_config.json over a class's defaults the way diffusers' `from_config` does: every key the
 * class knows is taken from the config when present, otherwise from the class default; keys the class does not
 * know (for example `_class_name`, `skip_prk_steps` on Euler) are ignored. A known key with a value of the
 * wrong type is an error, because silently ignoring it would change the image.
 */
export function resolveSchedulerConfig<T extends object>(
  className: string,
  defaults: T,
  config: Record<string, unknown>,
): T {
  const resolved = { ...defaults } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = config[key];
    if (value === undefined) continue;
    if (!matchesDefaultType(value, fallback)) {
      throw new SchedulerConfigError(
        `${className} config "${key}": expected ${describeType(fallback)}, got ${describeValue(value)}`,
      );
    }
    resolved[key] = value;
  }
  return resolved as T;
}

function matchesDefaultType(value: unknown, fallback: unknown): boolean {
  // null defaults (sigma_min, trained_betas, variance_type, ...) accept a number, an array, a string or null.
  if (fallback === null) return value === null || ['number', 'string'].includes(typeof value) || Array.isArray(value);
  if (value === null) return false;
  if (Array.isArray(fallback)) return Array.isArray(value);
  return typeof value === typeof fallback;
}

function describeType(fallback: unknown): string {
  if (fallback === null) return 'a number, a string, a list or null';
  if (Array.isArray(fallback)) return 'a list';
  return `a ${typeof fallback}`;
}

/** Throws a config error listing the allowed values when `value` is not one of them. */
export function requireOneOf<V extends string>(className: string, key: string, value: string, allowed: readonly V[]): V {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SchedulerConfigError(
      `${className} config "${key}": expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as V;
}

/**
 * `torch.linspace(start, end, steps, dtype=torch.float32)` as torch's CPU kernel computes it: float32 step,
 * the first half counted from `start` and the second from `end`, with `start + step * i` contracted into one
 * FMA by the compiler (without the FMA, alphas_cumprod of the SD schedule differs from torch in ~680 of 1000).
 * The vectorised path builds each 8-lane block as `base + k * step` from one FMA-computed base.
 */
export function torchLinspaceFloat32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = Math.fround(start);
  const e = Math.fround(end);
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const valueAt = (i: number) => (i < halfway ? fma32(step, i, s) : fma32(-step, steps - i - 1, e));
  const lanes = 8;
  // The vectorised loop handles two 8-lane vectors at a time; the remainder goes through the scalar lambda.
  const vectorised = Math.floor(steps / (2 * lanes)) * 2 * lanes;
  for (let block = 0; block < vectorised; block += lanes) {
    const base = valueAt(block);
    for (let k = 0; k < lanes; k++) out[block + k] = fma32(k, step, base);
  }
  for (let i = vectorised; i < steps; i++) out[i] = valueAt(i);
  return out;
}

/** `numpy.linspace(start, stop, num)` in float64: `i * step + start`, with the last value exactly `stop`. */
export function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * `numpy.arange(start, stop, step)` in float64: `ceil((stop - start) / step)` elements, element i being
 * `start + i * delta` from the third on, with `delta = (start + step) - start`: numpy's fill loop re-derives the step
 * from the first two elements, so it carries one float64 rounding, which decides which half-way values round up.
 */
export function numpyArange(start: number, stop: number, step: number): number[] {
  const length = Math.max(Math.ceil((stop - start) / step), 0);
  const second = start + step;
  const delta = second - start;
  return Array.from({ length }, (_, i) => (i === 0 ? start : i === 1 ? second : start + i * delta));
}

/** `numpy.interp(x, xp, fp)` for increasing `xp`, clamping outside the range as numpy does. */
export function numpyInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
  return slope * (x - xp[lo]) + fp[lo];
}

/** `numpy.round`: round half to even, as numpy (and torch.round) do. */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// numpy's AVX2/AVX512F float32 log (loops_exponent_log.dispatch.c.src `simd_log_FLOAT`): a 5/5 rational
// minimax approximation of log(1 + r), with float32 constants and fused multiply-adds. It is not correctly
// rounded (up to 3.8 ulp), and diffusers' log-sigma tables come from it.
const LOG_NUMERATOR = [0, 9.999999999999998702752e-1, 2.112677543073053063722, 1.480000633576506585156,
  3.808837741388407920751e-1, 2.589979117907922693523e-2].map(Math.fround);
const LOG_DENOMINATOR = [1, 2.612677543073109236779, 2.453006071784736363091, 9.864942958519418960339e-1,
  1.546476374983906719538e-1, 5.875095403124574342950e-3].map(Math.fround);
const LN2_F32 = Math.fround(Math.LN2);
const SQRT_HALF_F32 = Math.fround(Math.SQRT1_2);
const logScratch = new Float32Array(1);
const logScratchBits = new Uint32Array(logScratch.buffer);

/** `np.log` of a float32 array element, bit for bit as numpy computes it on x86 CPUs with AVX2 and FMA. */
export function numpyLogFloat32(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  // x = mantissa * 2^exponent with the mantissa in [0.5, 1); subnormals are scaled by 2^100 first.
  logScratch[0] = x;
  let exponent = 0;
  if (logScratch[0] < 2 ** -126) {
    logScratch[0] *= 2 ** 100;
    exponent = -100;
  }
  const bits = logScratchBits[0];
  exponent += (bits >>> 23) - 126;
  logScratchBits[0] = (bits & 0x7fffff) | (126 << 23);
  let mantissa = logScratch[0];
  if (mantissa <= SQRT_HALF_F32) {
    mantissa += mantissa;
    exponent -= 1;
  }
  const r = Math.fround(mantissa - 1);
  let numerator = LOG_NUMERATOR[5];
  let denominator = LOG_DENOMINATOR[5];
  for (let k = 4; k >= 0; k--) {
    numerator = fma32(numerator, r, LOG_NUMERATOR[k]);
    denominator = fma32(denominator, r, LOG_DENOMINATOR[k]);
  }
  return fma32(exponent, LN2_F32, Math.fround(numerator / denominator));
}

// torch's CPU `exp` on float32 tensors (even 0-d ones) runs SLEEF's `expf_u10` (Shibata, sleef.org): a Cody-Waite
// reduction by ln 2 and a degree-6 polynomial with fused multiply-adds, within 1 ulp but not correctly rounded.
const EXP_LOG2E_F32 = Math.fround(Math.LOG2E);
const EXP_LN2_HIGH = Math.fround(0.693145751953125);
const EXP_LN2_LOW = Math.fround(1.428606765330187045e-6);
const EXP_POLYNOMIAL = [1.98527617612853646278381e-4, 1.39304355252534151077271e-3, 8.33336077630519866943359e-3,
  4.16664853692054748535156e-2, 1.66666671633720397949219e-1, 0.5].map(Math.fround);

/** `torch.exp` of a float32 value, bit for bit as torch's CPU kernel (SLEEF `expf_u10` with FMA) computes it. */
export function torchExpFloat32(x: number): number {
  const d = Math.fround(x);
  if (d !== d) return NaN;
  if (d < -104) return 0;
  if (d > 104) return Infinity;
  const q = roundHalfToEven(Math.fround(d * EXP_LOG2E_F32));
  let s = fma32(q, -EXP_LN2_HIGH, d);
  s = fma32(q, -EXP_LN2_LOW, s);
  let u = EXP_POLYNOMIAL[0];
  for (let k = 1; k < EXP_POLYNOMIAL.length; k++) u = fma32(u, s, EXP_POLYNOMIAL[k]);
  u = Math.fround(1 + fma32(Math.fround(s * s), u, s));
  return Math.fround(u * 2 ** q);
}

/** The betas of a noise schedule as float32, following the `beta_schedule` names diffusers accepts. */
export function makeBetas(className: string, config: BetaScheduleConfig): Float32Array {
  const n = config.num_train_timesteps;
  let betas: Float32Array;
  if (config.trained_betas !== null) {
    betas = Float32Array.from(config.trained_betas);
  } else if (config.beta_schedule === 'linear') {
    betas = torchLinspaceFloat32(config.beta_start, config.beta_end, n);
  } else if (config.beta_schedule === 'scaled_linear') {
    // Latent diffusion's schedule: linear in sqrt(beta), then squared (float32 throughout, as torch does).
    betas = torchLinspaceFloat32(Math.sqrt(config.beta_start), Math.sqrt(config.beta_end), n).map((b) => b * b);
  } else if (config.beta_schedule === 'squaredcos_cap_v2') {
    betas = cosineBetas(n);
  } else {
    requireOneOf(className, 'beta_schedule', config.beta_schedule, ['linear', 'scaled_linear', 'squaredcos_cap_v2']);
    throw new Error('unreachable');
  }
  return config.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(betas) : betas;
}

/** Glide's cosine schedule (diffusers `betas_for_alpha_bar`, cosine transform, max beta 0.999). */
function cosineBetas(n: number): Float32Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2;
  const betas = new Float32Array(n);
  for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  return betas;
}

/**
 * Rescales betas to zero terminal SNR (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are
 * Flawed", Algorithm 1), in float32 as diffusers computes it.
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const f = Math.fround;
  const n = betas.length;
  const sqrtCumprod = new Float32Array(n);
  let cumprod = 1;
  for (let i = 0; i < n; i++) {
    cumprod = f(cumprod * f(1 - betas[i]));
    sqrtCumprod[i] = Math.sqrt(cumprod);
  }
  const first = sqrtCumprod[0];
  const last = sqrtCumprod[n - 1];
  const scale = f(first / f(first - last));
  const rescaled = sqrtCumprod.map((v) => f(f(v - last) * scale));
  const alphaBar = rescaled.map((v) => v * v);
  const out = new Float32Array(n);
  out[0] = alphaBar[0];
  for (let i = 1; i < n; i++) out[i] = f(1 - f(alphaBar[i] / alphaBar[i - 1]));
  return out;
}

/**
 * `torch.cumprod(1 - betas)` in float32. torch's CPU cumprod accumulates in double and rounds each
 * partial product to float32 on output.
 */
export function alphasCumprod(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= Math.fround(1 - betas[i]);
    out[i] = acc;
  }
  return out;
}

/** Draws the step's noise, or explains that a stochastic scheduler was called without a noise source. */
export function drawStepNoise(className: string, noise: NoiseSource | undefined, count: number): Float32Array {
  if (!noise) {
    throw new SchedulerConfigError(`${className}.step needs a noise source: this scheduler is stochastic`);
  }
  const drawn = noise.randn([count]);
  if (drawn.length !== count) {
    throw new SchedulerConfigError(`${className}.step: the noise source returned ${drawn.length} values, expected ${count}`);
  }
  return drawn;
}

/**
 * Rejects a boolean option turned on that this port does not implement (for example `thresholding`), instead
 * of silently running without it.
 */
export function requireDisabled(className: string, key: string, value: boolean): void {
  if (value) {
    throw new SchedulerConfigError(`${className} config "${key}": expected false (true is not supported), got true`);
  }
}
