// What the tiny models compute: every graph runs at batch 2 with finite outputs of the right shape; the UNet is a
// denoiser whose output depends on sample, timestep and text (so swapped guidance halves or a wrong timestep
// show); the VAE upsamples 8x and round-trips an image; the variants agree with each other where they share weights.
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromFloat16Array, toFloat16Array } from '../../src/engine/float32';
import {
  ALPHAS_CUMPROD, allFinite, batchItem, correlation, floatTensor, gaussian, idsTensor, maxAbsDifference, promptIds,
  readFloats, runGraph, timestepTensor,
} from './tinyModelTestKit';
import { TINY_MODEL_VARIANTS, type TinyModelVariant } from './variants';

const variant = (name: string) => TINY_MODEL_VARIANTS.find((v) => v.name === name)!;
const D = 32;
const SEQUENCE = 77;

async function encodeText(v: TinyModelVariant, prompts: number[][]) {
  const out = await runGraph(v.name, 'text_encoder', { input_ids: idsTensor(v, prompts) });
  const states = out.last_hidden_state;
  return { states, hidden: readFloats(states), pooled: readFloats(out.pooler_output) };
}

interface UnetCall {
  sample: Float32Array;
  size: [number, number];
  timesteps: number[];
  text: Float32Array;
}

async function runUnet(v: TinyModelVariant, { sample, size, timesteps, text }: UnetCall): Promise<ort.Tensor> {
  const batch = sample.length / (v.unetInChannels * size[0] * size[1]);
  const out = await runGraph(v.name, 'unet', {
    sample: floatTensor(v, sample, [batch, v.unetInChannels, ...size]),
    timestep: timestepTensor(v, timesteps),
    encoder_hidden_states: floatTensor(v, text, [batch, text.length / (batch * D), D]),
  });
  return out.out_sample;
}

/** The clean latents a sampler infers from the predicted noise: x0 = (x − sqrt(1 − ᾱ_t)·eps) / sqrt(ᾱ_t). */
function impliedCleanLatents(x: Float32Array, eps: Float32Array, t: number): Float32Array {
  const a = ALPHAS_CUMPROD[t];
  return x.map((value, i) => (value - Math.sqrt(1 - a) * eps[i]) / Math.sqrt(a));
}

const catPrompt = promptIds('a photo of a cat');
const emptyPrompt = promptIds('');

describe.each(TINY_MODEL_VARIANTS.map((v) => [v.name, v] as const))('%s', (_name, v) => {
  const [h, w] = [8, 8];
  const latentCount = 4 * h * w;

  it('runs every graph at batch 2 with finite outputs of the right shape', async () => {
    const text = await encodeText(v, [catPrompt, emptyPrompt]);
    expect(text.states.dims).toEqual([2, SEQUENCE, D]);
    expect(allFinite(text.hidden) && allFinite(text.pooled)).toBe(true);

    const sample = gaussian(1, 2 * v.unetInChannels * h * w);
    const eps = await runUnet(v, { sample, size: [h, w], timesteps: [500, 500], text: text.hidden });
    expect(eps.dims).toEqual([2, 4, h, w]);
    expect(allFinite(readFloats(eps))).toBe(true);

    const latentSample = floatTensor(v, gaussian(2, 2 * latentCount, 5), [2, 4, h, w]);
    const decoded = await runGraph(v.name, 'vae_decoder', { latent_sample: latentSample });
    expect(decoded.sample.dims).toEqual([2, 3, 8 * h, 8 * w]);
    expect(allFinite(readFloats(decoded.sample))).toBe(true);

    const image = floatTensor(v, gaussian(3, 2 * 3 * 64 * 64, 0.5), [2, 3, 64, 64]);
    const encoded = await runGraph(v.name, 'vae_encoder', { sample: image });
    const latents = encoded[v.vaeEncoderOutput];
    expect(latents.dims).toEqual([2, v.vaeEncoderOutput === 'latent_parameters' ? 8 : 4, h, w]);
    expect(allFinite(readFloats(latents))).toBe(true);
  });

  it('predicts noise that depends on the sample, the timestep and the text, each on its own', async () => {
    const sample = gaussian(4, v.unetInChannels * h * w);
    const text = (await encodeText(v, [catPrompt])).hidden;
    const base = readFloats(await runUnet(v, { sample, size: [h, w], timesteps: [400], text }));
    const negatedLatents = sample.map((x, i) => (i < latentCount ? -x : x));
    const changes = {
      sample: await runUnet(v, { sample: negatedLatents, size: [h, w], timesteps: [400], text }),
      timestep: await runUnet(v, { sample, size: [h, w], timesteps: [600], text }),
      text: await runUnet(v, { sample, size: [h, w], timesteps: [400], text: (await encodeText(v, [emptyPrompt])).hidden }),
    };
    for (const [input, output] of Object.entries(changes)) {
      // Well above float16 rounding (~1e-3): the output really follows each input.
      expect(maxAbsDifference(readFloats(output), base), `changing the ${input}`).toBeGreaterThan(0.02);
    }
  });

  it('denoises: keeps a nearly clean sample, and at full noise predicts the sample itself as the noise', async () => {
    const text = (await encodeText(v, [catPrompt])).hidden;
    // An inpainting UNet keeps the image latents where its mask is 0: a mask of ones repaints everything.
    const sampleAt = (seed: number) => gaussian(seed, v.unetInChannels * h * w).fill(1, latentCount, latentCount + h * w);
    const rms = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((sum, x) => sum + x * x, 0) / values.length);

    // t = 0: the sample is as good as clean, so the clean latents a sampler infers are the sample itself.
    const clean = sampleAt(5);
    const x = clean.subarray(0, latentCount);
    const x0 = impliedCleanLatents(x, readFloats(await runUnet(v, { sample: clean, size: [h, w], timesteps: [0], text })), 0);
    expect(rms(x0.map((value, i) => value - x[i])) / rms(x)).toBeLessThan(0.1);

    // t = 999: sqrt(ᾱ) ≈ 0.07, the sample is nearly all noise: the prediction is close to the sample, and the inferred
    // clean latents stay in the latents' usual range rather than near x / 0.07 (a wrong ᾱ_t lookup breaks both).
    const noisy = sampleAt(6);
    const eps = readFloats(await runUnet(v, { sample: noisy, size: [h, w], timesteps: [999], text }));
    expect(correlation(eps, noisy.subarray(0, latentCount))).toBeGreaterThan(0.9);
    const inferred = impliedCleanLatents(noisy.subarray(0, latentCount), eps, 999);
    expect(Math.max(...inferred.map(Math.abs))).toBeLessThan(4);
  });

  it('stays finite for |x| up to 100 and any timestep, including out-of-range ones', async () => {
    const text = (await encodeText(v, [catPrompt, emptyPrompt])).hidden;
    const sample = gaussian(6, 2 * v.unetInChannels * h * w).map((x) => (x > 0 ? 100 : -100));
    for (const t of [0, 999, 1500]) {
      const eps = readFloats(await runUnet(v, { sample, size: [h, w], timesteps: [t, t], text }));
      expect(allFinite(eps), `t=${t}`).toBe(true);
    }
  });

  it('runs at odd and tiny latent sizes', async () => {
    const text = (await encodeText(v, [catPrompt])).hidden;
    for (const size of [[9, 7], [4, 4], [1, 1]] as [number, number][]) {
      const eps = await runUnet(v, { sample: gaussian(7, v.unetInChannels * size[0] * size[1]), size, timesteps: [300], text });
      expect(eps.dims).toEqual([1, 4, ...size]);
      expect(allFinite(readFloats(eps))).toBe(true);
    }
  });
});

describe('classifier-free guidance batch', () => {
  it('pairs each sample with its own text: swapping the text halves swaps the outputs', async () => {
    const v = variant('tiny-sd');
    const [uncond, cond] = [(await encodeText(v, [emptyPrompt])).hidden, (await encodeText(v, [catPrompt])).hidden];
    const latent = gaussian(8, 4 * 8 * 8);
    const sample = new Float32Array(2 * latent.length);
    sample.set(latent);
    sample.set(latent, latent.length);
    const joined = (first: Float32Array, second: Float32Array) => Float32Array.from([...first, ...second]);
    const straight = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [500, 500], text: joined(uncond, cond) }));
    const swapped = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [500, 500], text: joined(cond, uncond) }));
    expect(maxAbsDifference(batchItem(straight, 0, latent.length), batchItem(straight, 1, latent.length))).toBeGreaterThan(0.05);
    expect(maxAbsDifference(batchItem(straight, 0, latent.length), batchItem(swapped, 1, latent.length))).toBeLessThan(1e-5);
    expect(maxAbsDifference(batchItem(straight, 1, latent.length), batchItem(swapped, 0, latent.length))).toBeLessThan(1e-5);
  });

  it('uses each batch element its own timestep when the timestep is [batch]', async () => {
    const v = variant('tiny-sd');
    const text = (await encodeText(v, [catPrompt, catPrompt])).hidden;
    const sample = gaussian(9, 2 * 4 * 8 * 8);
    const mixed = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [100, 800], text }));
    const early = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [100, 100], text }));
    const late = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [800, 800], text }));
    expect(maxAbsDifference(batchItem(mixed, 0, 256), batchItem(early, 0, 256))).toBeLessThan(1e-5);
    expect(maxAbsDifference(batchItem(mixed, 1, 256), batchItem(late, 1, 256))).toBeLessThan(1e-5);
  });

  it.each(['tiny-sd-fp16', 'tiny-sd-external-data'])('broadcasts a single timestep over the batch (%s)', async (name) => {
    const v = variant(name);
    const reference = variant('tiny-sd');
    const text = (await encodeText(reference, [catPrompt, emptyPrompt])).hidden;
    const sample = Float32Array.from(fromFloat16Array(toFloat16Array(gaussian(10, 2 * 4 * 8 * 8))));
    const textExact = fromFloat16Array(toFloat16Array(text));
    const shared = readFloats(await runUnet(v, { sample, size: [8, 8], timesteps: [700], text: textExact }));
    const perItem = readFloats(await runUnet(reference, { sample, size: [8, 8], timesteps: [700, 700], text: textExact }));
    expect(maxAbsDifference(shared, perItem)).toBeLessThan(v.floatType === 'float16' ? 0.02 : 1e-5);
  });
});
