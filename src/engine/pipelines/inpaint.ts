// Inpainting: diffusers' StableDiffusionInpaintPipeline.__call__ as one loop with numbered steps. A 9-channel
// inpainting UNet reads [latents, mask, masked-image latents]; a 4-channel UNet falls back to the blend method
// (re-noise the known region to each step's level and paste it back). Either way the output keeps the input's
// pixels outside the mask: the decoded image is composited over the input through a mask feathered inward.
import {
  compositeWithMask,
  featherMask,
  imageToTensor,
  maskToLatentMask,
  maskToPixelMask,
  maskedImageTensor,
  resizeImage,
} from '../image';
import type { StableDiffusionModel } from '../model';
import { img2imgTimesteps } from '../schedulers/img2imgTimesteps';
import { prepareInput, type EngineInput } from './engineInput';
import { createGuidedUnet, type InpaintConditioning } from './guidedUnet';
import { drawLatentNoise, previewOf, randomSeed, scaleInitialNoise, schedulerFor, seededGenerator } from './pipelineSetup';
import { encodePrompts } from './promptEmbeddings';
import { PrefetchedNoise } from '../random/PrefetchedNoise';
import { RunContext, type GenerationResult, type RunOptions } from './runContext';
import { decodeLatents, encodeImageLatents } from './vae';

/** Default feather radius in pixels for the final composite (AUTOMATIC1111's default "mask blur" is 4). */
export const DEFAULT_MASK_BLUR = 4;

export async function inpaint(
  model: StableDiffusionModel,
  input: EngineInput,
  options: RunOptions = {},
): Promise<GenerationResult> {
  // 1. Check inputs and pick the seed.
  const { settings, image, mask } = prepareInput('inpainting', input, model, options.profile);
  const context = new RunContext(options);
  const seed = settings.seed ?? randomSeed();
  const { width, height, num_outputs: batch } = settings;
  const latentHeight = height / 8;
  const latentWidth = width / 8;
  const unet = await model.session('unet');
  const inpaintingUnet = (await model.unetInChannels()) === 9;

  // 2. Encode the prompt (and the negative prompt when guidance is on).
  context.startPhase('encoding-prompt', 0);
  const embeddings = await encodePrompts(model, settings, unet.binding, options.promptWeighting);
  try {
    context.endEncodePrompt();

    // 3. Preprocess image and mask at the output size (white = repaint), and encode what the UNet needs.
    context.startPhase('encoding-image', 0);
    const original = resizeImage(image!, width, height);
    const maskImage = resizeImage(mask!, width, height);
    const imagePixels = imageToTensor(original);
    const latentMask = maskToLatentMask(maskImage, latentWidth, latentHeight);
    let conditioning: InpaintConditioning | undefined;
    let imageLatents: Float32Array | undefined;
    if (inpaintingUnet) {
      const masked = maskedImageTensor(imagePixels, maskToPixelMask(maskImage, width, height));
      conditioning = { mask: latentMask, maskedImageLatents: await encodeImageLatents(model, masked, width, height) };
    } else {
      imageLatents = await encodeImageLatents(model, imagePixels, width, height);
    }

    // 4. Timesteps: the full schedule (the remote inpainting model has no strength; diffusers' default is 1.0).
    const scheduler = schedulerFor(model, settings.scheduler, settings.num_inference_steps, options.karrasSigmas);
    const { timesteps } = img2imgTimesteps(scheduler, settings.num_inference_steps, 1);

    // 5. Initial latents: pure noise at strength 1, kept for re-noising the known region in the blend method.
    const generator = seededGenerator(seed, options);
    const noise = drawLatentNoise(generator, batch, latentHeight, latentWidth);
    let latents = scaleInitialNoise(noise, scheduler.initNoiseSigma);

    // 6. Denoising loop.
    // The ancestral schedulers' per-step noise is drawn while the UNet runs (same values, off the critical path).
    const stepNoise = scheduler.drawsNoise ? new PrefetchedNoise(generator, batch * 4 * latentHeight * latentWidth) : undefined;
    const predictNoise = createGuidedUnet({
      unet, embeddings, batch, latentHeight, latentWidth, guidanceScale: settings.guidance_scale, context, inpaint: conditioning,
    });
    context.startPhase('denoising', timesteps.length);
    for (let i = 0; i < timesteps.length; i++) {
      const t = timesteps[i];
      const modelInput = scheduler.scaleModelInput(latents, t);
      const noisePred = await predictNoise(modelInput, t, stepNoise && (() => stepNoise.prefetch()));
      const { prevSample, predOriginalSample } = scheduler.step(noisePred, t, latents, stepNoise ?? generator);
      latents = prevSample;
      if (imageLatents) latents = blendKnownRegion(scheduler, latents, imageLatents, noise, latentMask, timesteps[i + 1]);
      // With TAESD the live preview is a real (if approximate) decode of the first image; else the cheap colour map.
      const preview = context.wantsPreview(i + 1, timesteps.length)
        ? options.decoder === 'taesd'
          ? (await decodeLatents(model, predOriginalSample ?? latents, 1, latentHeight, latentWidth, context, 'taesd'))[0]
          : previewOf(predOriginalSample ?? latents, latentWidth, latentHeight)
        : undefined;
      context.reportStep(i + 1, timesteps.length, t, preview);
    }

    // 7. Decode, then keep the input's pixels outside the mask.
    context.startPhase('decoding', 0);
    const generated = await decodeLatents(model, latents, batch, latentHeight, latentWidth, context, options.decoder);
    const softMask = featherMask(maskImage, options.maskBlur ?? DEFAULT_MASK_BLUR);
    const images = generated.map((picture) => compositeWithMask(original, picture, softMask));
    context.endDecode();
    return { images, seed, settings: { ...settings, seed }, timings: context.timings(), unetCalls: context.unetCalls };
  } finally {
    embeddings.dispose();
  }
}

/**
 * The blend method for 4-channel UNets (diffusers' inpaint pipeline when `num_channels_unet == 4`): outside the
 * mask, replace the latents with the image's latents noised to the next step's level (clean after the last step).
 */
function blendKnownRegion(
  scheduler: ReturnType<typeof schedulerFor>,
  latents: Float32Array,
  imageLatents: Float32Array,
  noise: Float32Array,
  latentMask: Float32Array,
  nextTimestep: number | undefined,
): Float32Array {
  const imageSize = imageLatents.length;
  const plane = latentMask.length;
  const batch = latents.length / imageSize;
  const known = new Float32Array(latents.length);
  for (let b = 0; b < batch; b++) known.set(imageLatents, b * imageSize);
  const properKnown = nextTimestep === undefined ? known : scheduler.addNoise(known, noise, nextTimestep);
  const out = new Float32Array(latents.length);
  for (let i = 0; i < latents.length; i++) {
    const m = latentMask[i % plane];
    out[i] = (1 - m) * properKnown[i] + m * latents[i];
  }
  return out;
}
