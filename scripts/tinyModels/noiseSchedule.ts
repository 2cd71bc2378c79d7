// The tiny UNet's view of the noise schedule: a_t = sqrt(ᾱ_t) and b_t = sqrt(1 − ᾱ_t) of the timestep input, looked
// up in 1000-entry tables built from the same scheduler config the model folder ships (SD 1.5's scaled-linear betas).
import { alphasCumprod, BETA_SCHEDULE_DEFAULTS, makeBetas } from '../../src/engine/schedulers/schedulerMath';
import { SCHEDULER_CONFIG } from './configs';
import { dataType, type GraphBuilder } from './onnxBuilder';

/** Graph tensors of shape `[n, 1, 1, 1]` (n = 1 or batch), so they broadcast over `[batch, C, H, W]`. */
export interface NoiseLevel {
  /** a_t = sqrt(ᾱ_t): how much of the clean latents the sample holds. */
  signal: string;
  /** b_t = sqrt(1 − ᾱ_t): the standard deviation of the noise in it. */
  noise: string;
}

function scheduleTables(): { signal: Float32Array; noise: Float32Array } {
  const config = { ...BETA_SCHEDULE_DEFAULTS, ...SCHEDULER_CONFIG, trained_betas: null };
  const cumprod = alphasCumprod(makeBetas('PNDMScheduler', config));
  return { signal: cumprod.map((a) => Math.sqrt(a)), noise: cumprod.map((a) => Math.sqrt(1 - a)) };
}

/**
 * a_t and b_t for a float32 timestep tensor of shape `[batch]`, `[1]` or `[]`: clamped to [0, 999] and interpolated
 * linearly between table entries, since Euler-type schedulers pass fractional timesteps.
 */
export function noiseLevelAt(b: GraphBuilder, timestep: string): NoiseLevel {
  const last = SCHEDULER_CONFIG.num_train_timesteps - 1;
  const t = b.op('Clip', [timestep, b.floatConstant(0), b.floatConstant(last)]);
  const lower = b.op('Floor', [t]);
  const upper = b.op('Min', [b.op('Add', [lower, b.floatConstant(1)]), b.floatConstant(last)]);
  const fraction = b.op('Sub', [t, lower]);
  const lowerIndex = b.op('Cast', [lower], { to: dataType('int64') });
  const upperIndex = b.op('Cast', [upper], { to: dataType('int64') });
  const lookup = (name: string, values: Float32Array) => {
    const table = b.tensor(name, [values.length], values);
    const low = b.op('Gather', [table, lowerIndex]);
    const high = b.op('Gather', [table, upperIndex]);
    const value = b.op('Add', [low, b.op('Mul', [fraction, b.op('Sub', [high, low])])]);
    return b.op('Reshape', [value, b.int64Constant([-1, 1, 1, 1])]);
  };
  const tables = scheduleTables();
  return {
    signal: lookup('unet.sqrt_alphas_cumprod', tables.signal),
    noise: lookup('unet.sqrt_one_minus_alphas_cumprod', tables.noise),
  };
}
