// Image-to-image starts part-way through a schedule: which timesteps remain for a given strength, and where the
// scheduler should begin. Reference: diffusers StableDiffusionImg2ImgPipeline.get_timesteps.
import { EngineError } from '../errors';
import type { Scheduler } from './Scheduler';

export interface Img2ImgTimesteps {
  /** The timesteps the denoising loop visits. */
  timesteps: number[];
  /** The timestep the encoded image is noised to (`timesteps[0]`). */
  latentTimestep: number;
  /** Index of `timesteps[0]` in the scheduler's full schedule. */
  beginIndex: number;
}

/**
 * Keeps the last `int(n * strength)` steps of the schedule (counted in solver steps, so `order` entries each) and
 * tells the scheduler its begin index. Call after `scheduler.setTimesteps(numInferenceSteps)`.
 */
export function img2imgTimesteps(scheduler: Scheduler, numInferenceSteps: number, strength: number): Img2ImgTimesteps {
  if (!(strength >= 0 && strength <= 1)) {
    throw new EngineError('invalid_input', `strength: must be a number from 0 to 1, got ${strength}`);
  }
  if (scheduler.timesteps.length === 0) {
    throw new EngineError('invalid_input', 'img2imgTimesteps: call scheduler.setTimesteps(numInferenceSteps) first');
  }
  // Python's int() truncates the float64 product, as Math.trunc does.
  const initTimestep = Math.min(Math.trunc(numInferenceSteps * strength), numInferenceSteps);
  const tStart = Math.max(numInferenceSteps - initTimestep, 0);
  const beginIndex = tStart * scheduler.order;
  const timesteps = scheduler.timesteps.slice(beginIndex);
  if (timesteps.length === 0) {
    throw new EngineError(
      'invalid_input',
      `strength: ${strength} of ${numInferenceSteps} steps leaves no denoising step; ` +
        `strength × num_inference_steps must be at least 1`,
    );
  }
  scheduler.setBeginIndex(beginIndex);
  return { timesteps, latentTimestep: timesteps[0], beginIndex };
}
