// VAE helpers shared by the pipelines: decoding latents to pixels (one image per call, the VAE decoder is the
// most memory-hungry graph at high resolution) and encoding an image to scaled latents.
import { ModelContractError } from '../errors';
import { tensorToImages, type RgbaImage } from '../image';
import { scaleLatents, unscaleLatents } from '../guidance';
import type { StableDiffusionModel } from '../model';
import type { DecoderChoice } from '../../predictions/backends';
import type { RunContext } from './runContext';
import { floatTensor, readFloat32 } from './tensors';

/**
 * `vae.decode(latents / scaling_factor)` for every image of the batch (the first `count`), post-processed to RGBA.
 * With the TAESD decoder: `taesd.decode(latents)` — TAESD takes the latents as they are and gives [0, 1] pixels.
 */
export async function decodeLatents(
  model: StableDiffusionModel,
  latents: Float32Array,
  batch: number,
  latentHeight: number,
  latentWidth: number,
  context: RunContext,
  decoder: DecoderChoice = 'vae',
): Promise<RgbaImage[]> {
  const component = decoder === 'taesd' ? 'taesd_decoder' : 'vae_decoder';
  const { session, binding } = await model.session(component);
  const imageSize = 4 * latentHeight * latentWidth;
  const images: RgbaImage[] = [];
  for (let i = 0; i < batch; i++) {
    context.throwIfAborted();
    const own = latents.subarray(i * imageSize, (i + 1) * imageSize);
    const input = decoder === 'taesd' ? own : unscaleLatents(own, model.vaeScalingFactor);
    const outputs = await session.run({
      [binding.latentName]: floatTensor(input, binding.latentType, [1, 4, latentHeight, latentWidth]),
    });
    try {
      // One pass: tensorToImages converts to bytes and rejects NaN/Inf together.
      const pixels = await readFloat32(outputs[binding.outputName], `${component} output`, false);
      images.push(...tensorToImages(pixels, 1, latentWidth * 8, latentHeight * 8, `${component} output`, decoder === 'taesd' ? 'unit' : 'signed'));
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }
  return images;
}

/**
 * `scaling_factor * vae.encode(image)` as `[1, 4, h/8, w/8]`. With `latent_parameters` (mean and log-variance)
 * the mean is used, like diffusers' `retrieve_latents(..., sample_mode="argmax")`: no random draw, so the seed's
 * noise stream is the same whichever export is loaded.
 */
export async function encodeImageLatents(
  model: StableDiffusionModel,
  pixels: Float32Array,
  width: number,
  height: number,
): Promise<Float32Array> {
  const { session, binding } = await model.session('vae_encoder');
  const outputs = await session.run({ [binding.imageName]: floatTensor(pixels, binding.imageType, [1, 3, height, width]) });
  try {
    const raw = await readFloat32(outputs[binding.outputName], 'vae_encoder output');
    const latentSize = 4 * (height / 8) * (width / 8);
    const mean = binding.outputIsParameters ? raw.subarray(0, latentSize) : raw;
    if (mean.length !== latentSize) {
      throw new ModelContractError(`vae_encoder: output has ${raw.length} values; expected ${binding.outputIsParameters ? 2 * latentSize : latentSize}`);
    }
    return scaleLatents(mean, model.vaeScalingFactor);
  } finally {
    for (const tensor of Object.values(outputs)) tensor.dispose();
  }
}
