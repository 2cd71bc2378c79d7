// Image-to-image: diffusers' StableDiffusionImg2ImgPipeline.__call__ as one loop with numbered steps. The image is
// encoded, noised to the first timestep that `prompt_strength` keeps, and denoised over the remaining steps.
import { fitWithin, imageToTensor, resizeImage } from '../image';
import type { StableDiffusionModel } from '../model';
import { img2imgTimesteps } from '../schedulers/img2imgTimesteps';
import { prepareInput, type EngineInput } from './engineInput';
import { createGuidedUnet } from './guidedUnet';
import { drawLatentNoise, previewOf, randomSeed, repaintEverythingConditioning, schedulerFor, seededGenerator } from './pipelineSetup';
import { encodePrompts } from './promptEmbeddings';
import { PrefetchedNoise } from '../random/PrefetchedNoise';
import { RunContext, type GenerationResult, type RunOptions } from './runContext';
import { decodeLatents, encodeImageLatents } from './vae';

/** Smallest side the UNet gets (one 8x8 latent block); smaller inputs are scaled up to it. */
const MIN_SIDE = 64;

/**
 * The output size for an input image: its own size, as diffusers keeps it, rounded down to a multiple of 8
 * (the VAE's factor) and scaled down, keeping the aspect ratio, when a side exceeds the model's maximum, so a
 * 4000x3000 photo becomes 1024x768 rather than running out of memory.
 */
export function imageToImageSize(image: { width: number; height: number }, maxSide: number): { width: number; height: number } {
  const fitted = fitWithin(image.width, image.height, maxSide, 8);
  return { width: Math.max(fitted.width, MIN_SIDE), height: Math.max(fitted.height, MIN_SIDE) };
}

export async function imageToImage(
  model: StableDiffusionModel,
  input: EngineInput,
  options: RunOptions = {},
): Promise<GenerationResult> {
  // 1. Check inputs, pick the seed and the output size.
  const prepared = prepareInput('image-to-image', input, model, options.profile);
  const { limits } = prepared.schema;
  const { width, height } = imageToImageSize(prepared.image!, Math.min(limits.width.max, limits.height.max));
  const settings = { ...prepared.settings, width, height };
  const context = new RunContext(options);
  const seed = settings.seed ?? randomSeed();
  const batch = settings.num_outputs;
  const latentHeight = height / 8;
  const latentWidth = width / 8;
  const unet = await model.session('unet');

  // 2. Encode the prompt (and the negative prompt when guidance is on).
  context.startPhase('encoding-prompt', 0);
  const embeddings = await encodePrompts(model, settings, unet.binding, options.promptWeighting);
  try {
    context.endEncodePrompt();

    // 3. Preprocess and encode the image: resize to the output size, scale to [-1, 1], VAE-encode.
    context.startPhase('encoding-image', 0);
    const resized = resizeImage(prepared.image!, width, height);
    const imageLatents = await encodeImageLatents(model, imageToTensor(resized), width, height);
    const inpaint = (await model.unetInChannels()) === 9 ? await repaintEverythingConditioning(model, width, height) : undefined;

    // 4. Timesteps: only the last `prompt_strength` part of the schedule runs.
    const scheduler = schedulerFor(model, settings.scheduler, settings.num_inference_steps, options.karrasSigmas);
    const { timesteps, latentTimestep } = img2imgTimesteps(scheduler, settings.num_inference_steps, settings.prompt_strength);

    // 5. Initial latents: the image's latents (one per output) noised to the first kept timestep.
    const generator = seededGenerator(seed, options);
    const noise = drawLatentNoise(generator, batch, latentHeight, latentWidth);
    const repeated = new Float32Array(noise.length);
    for (let i = 0; i < batch; i++) repeated.set(imageLatents, i * imageLatents.length);
    let latents = scheduler.addNoise(repeated, noise, latentTimestep);

    // 6. Denoising loop.
    // The ancestral schedulers' per-step noise is drawn while the UNet runs (same values, off the critical path).
    const stepNoise = scheduler.drawsNoise ? new PrefetchedNoise(generator, batch * 4 * latentHeight * latentWidth) : undefined;
    const predictNoise = createGuidedUnet({ unet, embeddings, batch, latentHeight, latentWidth, guidanceScale: settings.guidance_scale, context, inpaint });
    context.startPhase('denoising', timesteps.length);
    for (let i = 0; i < timesteps.length; i++) {
      const t = timesteps[i];
      const modelInput = scheduler.scaleModelInput(latents, t);
      const noisePred = await predictNoise(modelInput, t, stepNoise && (() => stepNoise.prefetch()));
      const { prevSample, predOriginalSample } = scheduler.step(noisePred, t, latents, stepNoise ?? generator);
      latents = prevSample;
      // With TAESD the live preview is a real (if approximate) decode of the first image; else the cheap colour map.
      const preview = context.wantsPreview(i + 1, timesteps.length)
        ? options.decoder === 'taesd'
          ? (await decodeLatents(model, predOriginalSample ?? latents, 1, latentHeight, latentWidth, context, 'taesd'))[0]
          : previewOf(predOriginalSample ?? latents, latentWidth, latentHeight)
        : undefined;
      context.reportStep(i + 1, timesteps.length, t, preview);
    }

    // 7. Decode.
    context.startPhase('decoding', 0);
    const images = await decodeLatents(model, latents, batch, latentHeight, latentWidth, context, options.decoder);
    context.endDecode();
    return { images, seed, settings: { ...settings, seed }, timings: context.timings(), unetCalls: context.unetCalls };
  } finally {
    embeddings.dispose();
  }
}
