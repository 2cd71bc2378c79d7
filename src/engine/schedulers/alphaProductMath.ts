// Math shared by the schedulers that work in alpha-bar space (DDIM, DDPM, PNDM, LCM): the forward noising
// process, the clean-sample prediction for each model parameterisation, and the integer-timestep lookup.
// All in float32, rounding after each operation where torch's element-wise kernels do.
// Reference: diffusers scheduling_ddpm.py / scheduling_ddim.py `add_noise` and `step`.
import { EngineError } from '../errors';
import { requireOneOf } from './schedulerMath';

const f = Math.fround;

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];

export function requirePredictionType<V extends PredictionType>(className: string, value: string, allowed: readonly V[]): V {
  return requireOneOf(className, 'prediction_type', value, allowed);
}

/** `alphas_cumprod[t]`, refusing a timestep that is not an index into the training schedule. */
export function alphaProductAt(className: string, alphasCumprod: Float32Array, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= alphasCumprod.length) {
    throw new EngineError(
      'invalid_input',
      `${className}: timestep must be an integer from 0 to ${alphasCumprod.length - 1}, got ${t}`,
    );
  }
  return alphasCumprod[t];
}

/** `sqrt(a) * original + sqrt(1 - a) * noise` with `a = alphas_cumprod[t]` (the DDPM forward process). */
export function addNoiseAtTimestep(
  className: string,
  alphasCumprod: Float32Array,
  original: Float32Array,
  noise: Float32Array,
  t: number,
): Float32Array {
  if (noise.length !== original.length) {
    throw new EngineError('invalid_input', `${className}.addNoise: noise has ${noise.length} values, the sample ${original.length}`);
  }
  const alphaProd = alphaProductAt(className, alphasCumprod, t);
  const sqrtAlpha = f(Math.sqrt(alphaProd));
  const sqrtOneMinusAlpha = f(Math.sqrt(f(1 - alphaProd)));
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = f(sqrtAlpha * original[i]) + f(sqrtOneMinusAlpha * noise[i]);
  return out;
}

/**
 * Writes the predicted clean sample x0 into `out`, from the model output read as noise ("epsilon"), as x0
 * itself ("sample") or as velocity ("v_prediction", Salimans & Ho 2022, "Progressive Distillation", sec. 4),
 * then clamps it to ±clipRange when clipping is on (`clipRange` null: off).
 */
export function predictOriginalSample(
  out: Float32Array,
  predictionType: PredictionType,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProd: number,
  clipRange: number | null,
): void {
  const sqrtAlpha = f(Math.sqrt(alphaProd));
  const sqrtBeta = f(Math.sqrt(f(1 - alphaProd)));
  const n = out.length;
  if (predictionType === 'epsilon') {
    for (let i = 0; i < n; i++) out[i] = f(sample[i] - f(sqrtBeta * modelOutput[i])) / sqrtAlpha;
  } else if (predictionType === 'v_prediction') {
    for (let i = 0; i < n; i++) out[i] = f(sqrtAlpha * sample[i]) - f(sqrtBeta * modelOutput[i]);
  } else {
    out.set(modelOutput);
  }
  if (clipRange !== null) {
    const limit = f(clipRange);
    for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(out[i], -limit), limit);
  }
}

/** Checks that the model output and the sample have the same element count before a step. */
export function requireSameLength(className: string, modelOutput: Float32Array, sample: Float32Array): void {
  if (modelOutput.length !== sample.length) {
    throw new EngineError(
      'invalid_input',
      `${className}.step: model output has ${modelOutput.length} values, the sample ${sample.length}`,
    );
  }
}
