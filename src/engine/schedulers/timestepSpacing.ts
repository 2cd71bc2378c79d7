// The three ways diffusers spreads n inference timesteps over the training schedule ("linspace", "leading",
// "trailing"; Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Table 2), with
// numpy's exact rounding, plus the step-count check every scheduler's `setTimesteps` starts with.
import { EngineError, SchedulerConfigError } from '../errors';
import { numpyLinspace, requireOneOf, roundHalfToEven } from './schedulerMath';

export const TIMESTEP_SPACINGS = ['linspace', 'leading', 'trailing'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export function requireTimestepSpacing(className: string, value: string): TimestepSpacing {
  return requireOneOf(className, 'timestep_spacing', value, TIMESTEP_SPACINGS);
}

/** Rejects a step count that is not a whole number from 1 to the training length (diffusers raises too). */
export function requireStepCount(className: string, numInferenceSteps: number, numTrainTimesteps: number): void {
  if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > numTrainTimesteps) {
    throw new EngineError(
      'invalid_input',
      `${className}: num_inference_steps must be an integer from 1 to ${numTrainTimesteps} ` +
        `(num_train_timesteps), got ${numInferenceSteps}`,
    );
  }
}

/**
 * The n timesteps of a spacing, in the order the loop visits them (descending), as diffusers' `set_timesteps`
 * computes them before its final cast: "linspace" values are numpy's float64 `linspace(0, T - 1, n)` (callers
 * round them or keep them as floats, depending on the class); "leading" and "trailing" values are whole numbers.
 */
export function spacedTimesteps(
  spacing: TimestepSpacing,
  numTrainTimesteps: number,
  numInferenceSteps: number,
  stepsOffset: number,
): number[] {
  const n = numInferenceSteps;
  if (spacing === 'linspace') return numpyLinspace(0, numTrainTimesteps - 1, n).reverse();
  if (spacing === 'leading') {
    // `np.arange(n) * (T // n) + steps_offset`, reversed.
    const stepRatio = Math.floor(numTrainTimesteps / n);
    return Array.from({ length: n }, (_, i) => (n - 1 - i) * stepRatio + stepsOffset);
  }
  return trailingTimesteps(numTrainTimesteps, n);
}

/**
 * `np.round(np.arange(T, 0, -T / n)) - 1`. numpy's arange fills element i as `start + i * delta`, where
 * `delta = (start + step) - start` is the step after one float64 rounding; that delta (not the exact step) decides
 * which half-way values round up, so it is reproduced here. numpy sizes the array as `ceil(T / (T / n))`,
 * which float rounding makes n + 1 for some n (61, 103, 121, ... of T = 1000), appending a timestep of -1
 * that diffusers then indexes from the end of alphas_cumprod. Only the first n values are kept here, which
 * are exactly numpy's.
 */
function trailingTimesteps(numTrainTimesteps: number, n: number): number[] {
  const delta = numTrainTimesteps - numTrainTimesteps / n - numTrainTimesteps;
  return Array.from({ length: n }, (_, i) => roundHalfToEven(i === 0 ? numTrainTimesteps : numTrainTimesteps + i * delta) - 1);
}

/**
 * Checks that every timestep is an index into alphas_cumprod: "leading" with steps_offset 1 and as many steps as
 * training timesteps gives T, which diffusers would index past the end of the array.
 */
export function requireTimestepsInRange(className: string, timesteps: readonly number[], numTrainTimesteps: number, stepsOffset: number): void {
  const outside = timesteps.find((t) => !Number.isInteger(t) || t < 0 || t >= numTrainTimesteps);
  if (outside !== undefined) {
    throw new SchedulerConfigError(
      `${className}: ${timesteps.length} steps with steps_offset ${stepsOffset} give timestep ${outside}, not an ` +
        `integer from 0 to ${numTrainTimesteps - 1}; use fewer steps or a smaller whole steps_offset`,
    );
  }
}
