// The tiny text encoder, VAE and UNets behave like the real ones in the ways the pipelines rely on: prompts give
// different embeddings while padding barely matters, the VAE decodes 8x and round-trips a picture, image-to-image at
// low strength keeps the picture, the inpainting UNet keeps the unmasked image, and variants sharing weights agree.
import { describe, expect, it } from 'vitest';
import { fromFloat16Array, toFloat16Array } from '../../src/engine/float32';
import {
  ALPHAS_CUMPROD, batchItem, correlation, END_OF_TEXT, floatTensor, gaussian, idsTensor, maxAbsDifference, promptIds,
  readFloats, runGraph, timestepTensor,
} from './tinyModelTestKit';
import { TINY_MODEL_VARIANTS } from './variants';

const variant = (name: string) => TINY_MODEL_VARIANTS.find((v) => v.name === name)!;
const base = variant('tiny-sd');
const D = 32;
const SCALING_FACTOR = 0.18215;

async function encodeText(name: string, prompts: number[][]) {
  const v = variant(name);
  const out = await runGraph(name, 'text_encoder', { input_ids: idsTensor(v, prompts) });
  return { hidden: readFloats(out.last_hidden_state), pooled: readFloats(out.pooler_output) };
}

/** A smooth test picture in [-1, 1] (colour gradients and a soft disc), NCHW. */
function smoothPicture(size = 64): Float32Array {
  const image = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const disc = Math.exp(-(((x / size - 0.62) ** 2 + (y / size - 0.38) ** 2) * size * size) / (0.037 * size * size));
      const i = y * size + x;
      image[i] = -0.8 + (1.6 * x) / size;
      image[plane + i] = 0.7 * Math.sin((2 * Math.PI * y) / size) - 0.6 * disc;
      image[2 * plane + i] = 0.9 * disc - 0.3;
    }
  }
  return image;
}

const quantiseToFloat16 = (values: Float32Array) => fromFloat16Array(toFloat16Array(values));

describe('text encoder', () => {
  it('gives different prompts different embeddings', async () => {
    const { hidden, pooled } = await encodeText('tiny-sd', [promptIds('a photo of a cat'), promptIds('a red sports car')]);
    expect(maxAbsDifference(batchItem(hidden, 0, 77 * D), batchItem(hidden, 1, 77 * D))).toBeGreaterThan(0.5);
    expect(maxAbsDifference(batchItem(pooled, 0, D), batchItem(pooled, 1, D))).toBeGreaterThan(0.5);
  });

  it('leaves the prompt tokens and the pooled output untouched by the padding that follows them', async () => {
    // SD 1.x pads with <|endoftext|> (49407), SD 2.x with 0; CLIP's causal attention makes that irrelevant up to EOS.
    const { hidden, pooled } = await encodeText('tiny-sd', [promptIds('a photo of a cat'), promptIds('a photo of a cat', 0)]);
    const promptTokens = 7;
    const secondPrompt = hidden.subarray(77 * D, (77 + promptTokens) * D);
    expect(maxAbsDifference(hidden.subarray(0, promptTokens * D), secondPrompt)).toBeLessThan(1e-5);
    expect(maxAbsDifference(batchItem(pooled, 0, D), batchItem(pooled, 1, D))).toBeLessThan(1e-5);
    expect(promptIds('a photo of a cat')[promptTokens - 1]).toBe(END_OF_TEXT);
  });

  it('gives the same states for int64 ids and in float16, as the int32/float32 export does', async () => {
    const prompts = [promptIds('a photo of a cat'), promptIds('')];
    const reference = await encodeText('tiny-sd', prompts);
    expect(maxAbsDifference((await encodeText('tiny-sd-int64', prompts)).hidden, reference.hidden)).toBe(0);
    const half = await encodeText('tiny-sd-fp16', prompts);
    expect(maxAbsDifference(half.hidden, reference.hidden)).toBeLessThan(0.01);
    expect(maxAbsDifference(half.pooled, reference.pooled)).toBeLessThan(0.01);
  });
});

describe('VAE', () => {
  it('decodes typical latents to an image 8x larger, roughly in [-1, 1]', async () => {
    const latents = gaussian(11, 2 * 4 * 6 * 10, 1 / SCALING_FACTOR);
    const out = await runGraph('tiny-sd', 'vae_decoder', { latent_sample: floatTensor(base, latents, [2, 4, 6, 10]) });
    expect(out.sample.dims).toEqual([2, 3, 48, 80]);
    const pixels = readFloats(out.sample);
    const inside = pixels.filter((p) => Math.abs(p) <= 1.5).length;
    expect(inside / pixels.length).toBeGreaterThan(0.97);
  });

  it('round-trips a picture through encoder and decoder, with latents of about unit scale once scaled', async () => {
    const picture = smoothPicture();
    const encoded = await runGraph('tiny-sd', 'vae_encoder', { sample: floatTensor(base, picture, [1, 3, 64, 64]) });
    const latents = readFloats(encoded.latent_sample);
    const scaledRms = Math.sqrt(latents.reduce((sum, z) => sum + (z * SCALING_FACTOR) ** 2, 0) / latents.length);
    expect(scaledRms).toBeGreaterThan(0.3);
    expect(scaledRms).toBeLessThan(3);
    const decoded = await runGraph('tiny-sd', 'vae_decoder', { latent_sample: encoded.latent_sample });
    const restored = readFloats(decoded.sample);
    expect(correlation(restored, picture)).toBeGreaterThan(0.95);
    expect(maxAbsDifference(restored, picture)).toBeLessThan(0.5);
  });

  it('outputs mean and a small log-variance as latent_parameters, the mean equal to latent_sample', async () => {
    const picture = smoothPicture();
    const sampleOut = await runGraph('tiny-sd', 'vae_encoder', { sample: floatTensor(base, picture, [1, 3, 64, 64]) });
    const v = variant('tiny-sd-int64');
    const paramsOut = await runGraph(v.name, 'vae_encoder', { sample: floatTensor(v, picture, [1, 3, 64, 64]) });
    const parameters = readFloats(paramsOut.latent_parameters);
    const half = parameters.length / 2;
    expect(maxAbsDifference(parameters.subarray(0, half), readFloats(sampleOut.latent_sample))).toBeLessThan(1e-5);
    const logVariance = parameters.subarray(half);
    expect(Math.max(...logVariance)).toBeLessThan(-5);
    expect(Math.min(...logVariance)).toBeGreaterThan(-30);
  });

  it('computes the same in float16 as in float32', async () => {
    const v = variant('tiny-sd-fp16');
    const latents = quantiseToFloat16(gaussian(12, 4 * 8 * 8, 4));
    const decode = async (name: string) =>
      readFloats((await runGraph(name, 'vae_decoder', { latent_sample: floatTensor(variant(name), latents, [1, 4, 8, 8]) })).sample);
    expect(maxAbsDifference(await decode(v.name), await decode('tiny-sd'))).toBeLessThan(0.01);
    const picture = quantiseToFloat16(smoothPicture());
    const encode = async (name: string) =>
      readFloats((await runGraph(name, 'vae_encoder', { sample: floatTensor(variant(name), picture, [1, 3, 64, 64]) })).latent_sample);
    expect(maxAbsDifference(await encode(v.name), await encode('tiny-sd'))).toBeLessThan(0.02);
  });
});

describe('image-to-image', () => {
  it('returns a picture close to the input after denoising from 30% noise with guidance', async () => {
    const size = 128;
    const picture = smoothPicture(size);
    const latentSize = size / 8;
    const encoded = await runGraph('tiny-sd', 'vae_encoder', { sample: floatTensor(base, picture, [1, 3, size, size]) });
    const imageLatents = readFloats(encoded.latent_sample).map((z) => z * SCALING_FACTOR);
    const text = (await encodeText('tiny-sd', [promptIds(''), promptIds('a photo of a cat')])).hidden;
    // DDIM (Song et al. 2021, eq. 12 with eta = 0) over the last 30% of a 20-step "leading" schedule.
    const timesteps = [251, 201, 151, 101, 51, 1];
    const alphaBar = (t: number) => ALPHAS_CUMPROD[t];
    const noise = gaussian(15, imageLatents.length);
    let latents = imageLatents.map((z, i) => Math.sqrt(alphaBar(251)) * z + Math.sqrt(1 - alphaBar(251)) * noise[i]);
    for (const [step, t] of timesteps.entries()) {
      const doubled = Float32Array.from([...latents, ...latents]);
      const out = await runGraph('tiny-sd', 'unet', {
        sample: floatTensor(base, doubled, [2, 4, latentSize, latentSize]),
        timestep: timestepTensor(base, [t, t]),
        encoder_hidden_states: floatTensor(base, text, [2, 77, D]),
      });
      const both = readFloats(out.out_sample);
      const previous = alphaBar(timesteps[step + 1] ?? 0);
      latents = latents.map((x, i) => {
        const eps = both[i] + 7.5 * (both[latents.length + i] - both[i]);
        const x0 = (x - Math.sqrt(1 - alphaBar(t)) * eps) / Math.sqrt(alphaBar(t));
        return Math.sqrt(previous) * x0 + Math.sqrt(1 - previous) * eps;
      });
    }
    const decoded = await runGraph('tiny-sd', 'vae_decoder', {
      latent_sample: floatTensor(base, latents.map((z) => z / SCALING_FACTOR), [1, 4, latentSize, latentSize]),
    });
    expect(correlation(readFloats(decoded.sample), picture)).toBeGreaterThan(0.8);
  });
});

describe('inpainting UNet', () => {
  it('keeps the masked-image latents outside the mask and repaints inside it', async () => {
    const v = variant('tiny-sd-inpainting');
    const [h, w] = [8, 8];
    const plane = h * w;
    const latents = gaussian(13, 4 * plane);
    const imageLatents = gaussian(14, 4 * plane, 0.8);
    const mask = new Float32Array(plane).map((_, i) => (i % w < w / 2 ? 1 : 0));
    const sample = Float32Array.from([...latents, ...mask, ...imageLatents]);
    const text = (await encodeText(v.name, [promptIds('a photo of a cat')])).hidden;
    const t = 600;
    const out = await runGraph(v.name, 'unet', {
      sample: floatTensor(v, sample, [1, 9, h, w]),
      timestep: timestepTensor(v, [t]),
      encoder_hidden_states: floatTensor(v, text, [1, 77, D]),
    });
    const eps = readFloats(out.out_sample);
    // The sampler's clean-latent estimate, x0 = (x − sqrt(1 − ᾱ)·eps) / sqrt(ᾱ).
    const alphaBar = ALPHAS_CUMPROD[t];
    let keptError = 0;
    let repaintedChange = 0;
    for (let i = 0; i < latents.length; i++) {
      const x0 = (latents[i] - Math.sqrt(1 - alphaBar) * eps[i]) / Math.sqrt(alphaBar);
      const gap = Math.abs(x0 - imageLatents[i]);
      if (mask[i % plane] === 0) keptError = Math.max(keptError, gap);
      else repaintedChange = Math.max(repaintedChange, gap);
    }
    expect(keptError).toBeLessThan(1e-3);
    expect(repaintedChange).toBeGreaterThan(0.1);
  });
});
