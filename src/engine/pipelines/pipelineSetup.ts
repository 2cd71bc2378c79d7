// Small pieces every pipeline starts with: the seed and its generator, the scheduler built from the model's
// scheduler_config.json, the initial noise, and the conditioning an inpainting UNet needs outside inpainting.
import { latentsToPreviewImage, type RgbaImage } from '../image';
import type { StableDiffusionModel } from '../model';
import { createGenerator } from '../random/createGenerator';
import type { NoiseSource } from '../random/NoiseSource';
import { createScheduler, diffusersClassName } from '../schedulers';
import { EngineError } from '../errors';
import { KARRAS_SCHEDULERS } from '../../predictions/schedulerNames';
import type { Scheduler } from '../schedulers/Scheduler';
import type { InpaintConditioning } from './guidedUnet';
import type { RunOptions } from './runContext';
import { encodeImageLatents } from './vae';

/** A random seed in [0, 2^32), so it means the same thing to the CPU and the CUDA generator. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

export function seededGenerator(seed: number, options: RunOptions): NoiseSource {
  return createGenerator(seed, options.noiseDevice ?? 'cpu');
}

/** The user's scheduler class configured from the model's own scheduler config, as diffusers' `from_config`. */
/**
 * The run's scheduler on the model's own config; `karras` switches on diffusers' `use_karras_sigmas` (A1111's
 * "Karras" schedule type) for the schedulers that have it, and is refused by name for the others.
 */
export function schedulerFor(model: StableDiffusionModel, name: string, steps: number, karras = false): Scheduler {
  if (karras && !KARRAS_SCHEDULERS.has(diffusersClassName(name))) {
    throw new EngineError('invalid_input', `karras: the ${name} scheduler has no Karras schedule; it exists for ${[...KARRAS_SCHEDULERS].join(', ')}`);
  }
  const scheduler = createScheduler(name, karras ? { ...model.schedulerConfig, use_karras_sigmas: true } : model.schedulerConfig);
  scheduler.setTimesteps(steps);
  return scheduler;
}

/** `[batch, 4, h, w]` standard-normal latents in one draw, as diffusers' `prepare_latents` does. */
export function drawLatentNoise(generator: NoiseSource, batch: number, latentHeight: number, latentWidth: number): Float32Array {
  return generator.randn([batch, 4, latentHeight, latentWidth]);
}

/** `noise * init_noise_sigma` in float32. */
export function scaleInitialNoise(noise: Float32Array, initNoiseSigma: number): Float32Array {
  const sigma = Math.fround(initNoiseSigma);
  const latents = new Float32Array(noise.length);
  for (let i = 0; i < noise.length; i++) latents[i] = noise[i] * sigma;
  return latents;
}

/**
 * Text-to-image and image-to-image on a 9-channel inpainting UNet: a mask that repaints everything and the
 * latents of a neutral (zero, i.e. mid-grey) image, as AUTOMATIC1111 conditions inpainting models there.
 */
export async function repaintEverythingConditioning(
  model: StableDiffusionModel,
  width: number,
  height: number,
): Promise<InpaintConditioning> {
  const mask = new Float32Array((width / 8) * (height / 8)).fill(1);
  const maskedImageLatents = await encodeImageLatents(model, new Float32Array(3 * width * height), width, height);
  return { mask, maskedImageLatents };
}

/** The preview of the first image: the model's prediction of the clean latents when the scheduler gives one. */
export function previewOf(latents: Float32Array, latentWidth: number, latentHeight: number): RgbaImage {
  return latentsToPreviewImage(latents, 0, latentWidth, latentHeight);
}
