// Text-to-image: diffusers' StableDiffusionPipeline.__call__ written out as one loop with numbered steps.
import type { StableDiffusionModel } from '../model';
import { prepareInput, type EngineInput } from './engineInput';
import { createGuidedUnet } from './guidedUnet';
import {
  drawLatentNoise,
  previewOf,
  randomSeed,
  repaintEverythingConditioning,
  scaleInitialNoise,
  schedulerFor,
  seededGenerator,
} from './pipelineSetup';
import { encodePrompts } from './promptEmbeddings';
import { PrefetchedNoise } from '../random/PrefetchedNoise';
import { RunContext, type GenerationResult, type RunOptions } from './runContext';
import { decodeLatents } from './vae';

export async function textToImage(
  model: StableDiffusionModel,
  input: EngineInput,
  options: RunOptions = {},
): Promise<GenerationResult> {
  // 1. Check inputs and pick the seed.
  const { settings } = prepareInput('text-to-image', input, model, options.profile);
  const context = new RunContext(options);
  const seed = settings.seed ?? randomSeed();
  const batch = settings.num_outputs;
  const latentHeight = settings.height / 8;
  const latentWidth = settings.width / 8;
  const unet = await model.session('unet');

  // 2. Encode the prompt (and the negative prompt when guidance is on).
  context.startPhase('encoding-prompt', 0);
  const embeddings = await encodePrompts(model, settings, unet.binding, options.promptWeighting);
  try {
    const inpaint = (await model.unetInChannels()) === 9 ? await repaintEverythingConditioning(model, settings.width, settings.height) : undefined;
    context.endEncodePrompt();

    // 3. Timesteps.
    const scheduler = schedulerFor(model, settings.scheduler, settings.num_inference_steps, options.karrasSigmas);
    const timesteps = scheduler.timesteps;

    // 4. Initial latents: one draw of [batch, 4, h/8, w/8] from the seeded generator, times init_noise_sigma.
    const generator = seededGenerator(seed, options);
    let latents = scaleInitialNoise(drawLatentNoise(generator, batch, latentHeight, latentWidth), scheduler.initNoiseSigma);

    // 5. Denoising loop.
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

    // 6. Decode.
    context.startPhase('decoding', 0);
    const images = await decodeLatents(model, latents, batch, latentHeight, latentWidth, context, options.decoder);
    context.endDecode();
    return { images, seed, settings: { ...settings, seed }, timings: context.timings(), unetCalls: context.unetCalls };
  } finally {
    embeddings.dispose();
  }
}
