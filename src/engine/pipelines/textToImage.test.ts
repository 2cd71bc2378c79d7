// Text-to-image on the tiny model through onnxruntime-node: seeds, the denoising loop's wiring (checked by
// replaying the recorded UNet calls with the scheduler), guidance, batches, progress, cancel and failure reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, createScheduler, NonFiniteOutputError, textToImage, type StableDiffusionModel } from '..';
import { loadReference, f32 } from '../../../test/referenceData';
import { loadTinyModel, type RecordedCall } from '../../../test/tinyModel';
import type { RgbaImage } from '../image';
import type { ProgressEvent } from './runContext';

const unetCalls = (calls: RecordedCall[]) => calls.filter((c) => c.component === 'unet');
const asFloat = (data: unknown) => data as Float32Array;
const sameImage = (a: RgbaImage, b: RgbaImage) => a.width === b.width && a.data.every((v, i) => v === b.data[i]);

describe('textToImage', () => {
  let model: StableDiffusionModel;
  let calls: RecordedCall[];
  beforeAll(async () => {
    calls = [];
    model = await loadTinyModel('tiny-sd', { calls });
  });
  afterAll(() => model.release());
  const run = (input: Parameters<typeof textToImage>[1], options?: Parameters<typeof textToImage>[2]) => {
    calls.length = 0;
    return textToImage(model, input, options);
  };

  it('starts from torch.randn of the seed (CPU generator), as a diffusers script with that seed does', async () => {
    const reference = loadReference('rng/cpu_mt19937.json').randn.find(
      (e: { seed: number; shape: number[] }) => e.seed === 42 && e.shape.join() === '1,4,64,64',
    );
    await run({ prompt: 'a lighthouse', width: 512, height: 512, num_inference_steps: 1, scheduler: 'DDIM', seed: 42 });
    // DDIM: init_noise_sigma is 1 and scale_model_input is the identity, so the first UNet sample is the noise itself.
    expect(Array.from(asFloat(unetCalls(calls)[0].inputs.sample.data))).toEqual(Array.from(f32(reference.values)));
  });

  it('starts from the CUDA (Philox) noise of the seed when asked', async () => {
    const reference = loadReference('rng/cuda_philox_a1111.json').randn.find(
      (e: { seed: number; shape: number[] }) => e.seed === 42 && e.shape.join() === '1,4,64,64',
    );
    await run({ prompt: 'a lighthouse', width: 512, height: 512, num_inference_steps: 1, scheduler: 'DDIM', seed: 42 }, { noiseDevice: 'cuda' });
    const sample = asFloat(unetCalls(calls)[0].inputs.sample.data);
    const expected = f32(reference.values);
    expect(Math.max(...sample.map((v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-6);
  });

  it('wires the loop as diffusers does: [uncond, text] guidance, scheduler step, next input, final decode', async () => {
    const guidance = 7.5;
    const result = await run({
      prompt: 'a red barn', negative_prompt: 'blurry', width: 64, height: 64, num_inference_steps: 3,
      scheduler: 'DPMSolverMultistep', guidance_scale: guidance, seed: 7,
    });
    const textEncoderRuns = calls.filter((c) => c.component === 'text_encoder');
    const embeddingOf = (ids: Int32Array) => {
      const run = textEncoderRuns.find((c) => asIntArray(c.inputs.input_ids.data).every((v, i) => v === ids[i]))!;
      return asFloat(run.outputs.last_hidden_state.data);
    };
    const textEmbedding = embeddingOf(model.tokenizer.tokenize('a red barn'));
    const uncondEmbedding = embeddingOf(model.tokenizer.tokenize('blurry'));

    const scheduler = createScheduler('DPMSolverMultistep', model.schedulerConfig);
    scheduler.setTimesteps(3);
    const unet = unetCalls(calls);
    expect(unet).toHaveLength(6);
    let latents = asFloat(unet[0].inputs.sample.data);
    for (let i = 0; i < 3; i++) {
      const t = scheduler.timesteps[i];
      const pair = unet.slice(2 * i, 2 * i + 2);
      for (const call of pair) {
        expect(Array.from(asFloat(call.inputs.sample.data))).toEqual(Array.from(scheduler.scaleModelInput(latents, t)));
        expect(call.inputs.timestep.data).toEqual(BigInt64Array.of(BigInt(Math.trunc(t))));
      }
      const byEmbedding = (embedding: Float32Array) =>
        pair.find((c) => asFloat(c.inputs.encoder_hidden_states.data).every((v, k) => v === embedding[k]))!;
      const text = asFloat(byEmbedding(textEmbedding).outputs.out_sample.data);
      const uncond = asFloat(byEmbedding(uncondEmbedding).outputs.out_sample.data);
      // torch's float32 arithmetic: uncond + g * (text - uncond), each operation rounded to float32.
      const guided = uncond.map((u, k) => Math.fround(u + Math.fround(guidance * Math.fround(text[k] - u))));
      latents = scheduler.step(guided, t, latents).prevSample;
    }
    const decoderInput = asFloat(calls.find((c) => c.component === 'vae_decoder')!.inputs.latent_sample.data);
    const expectedDecoderInput = latents.map((v) => v / Math.fround(0.18215));
    expect(maxAbsDiff(decoderInput, expectedDecoderInput)).toBeLessThan(1e-5);
    expect(result.images[0]).toMatchObject({ width: 64, height: 64 });
  });

  it('gives identical pixels for the same seed and different pixels for another seed', async () => {
    const input = { prompt: 'a castle at dusk', width: 64, height: 64, num_inference_steps: 4, seed: 1234 };
    const first = await run(input);
    const again = await run(input);
    const other = await run({ ...input, seed: 1235 });
    expect(first.seed).toBe(1234);
    expect(sameImage(first.images[0], again.images[0])).toBe(true);
    expect(sameImage(first.images[0], other.images[0])).toBe(false);
  });

  it('reports the random seed it picked, and that seed reproduces the image', async () => {
    const input = { prompt: 'a fox', width: 64, height: 64, num_inference_steps: 2 };
    const picked = await run(input);
    expect(Number.isInteger(picked.seed)).toBe(true);
    const replay = await run({ ...input, seed: picked.seed });
    expect(sameImage(picked.images[0], replay.images[0])).toBe(true);
  });

  it('skips the unconditional pass at guidance_scale 1: half the UNet calls', async () => {
    const input = { prompt: 'a tree', width: 64, height: 64, num_inference_steps: 5, seed: 3 };
    const guided = await run({ ...input, guidance_scale: 7.5 });
    const unguided = await run({ ...input, guidance_scale: 1 });
    expect(guided.unetCalls).toBe(10);
    expect(unguided.unetCalls).toBe(5);
    expect(unetCalls(calls)).toHaveLength(5);
    expect(sameImage(guided.images[0], unguided.images[0])).toBe(false);
  });

  it('makes num_outputs different images from one seed', async () => {
    const result = await run({ prompt: 'a boat', width: 64, height: 64, num_inference_steps: 3, num_outputs: 3, seed: 5 });
    expect(result.images).toHaveLength(3);
    expect(sameImage(result.images[0], result.images[1])).toBe(false);
    expect(sameImage(result.images[1], result.images[2])).toBe(false);
    expect(sameImage(result.images[0], result.images[2])).toBe(false);
    // One draw of [3, 4, 8, 8]: the first image starts from the first 256 values of that draw.
    expect(unetCalls(calls)[0].inputs.sample.dims).toEqual([3, 4, 8, 8]);
  });

  it('reports progress per step with previews, phases in order', async () => {
    const events: ProgressEvent[] = [];
    await run({ prompt: 'a kite', width: 64, height: 64, num_inference_steps: 4, seed: 9 }, { onProgress: (e) => events.push(e), previewEvery: 2 });
    expect(events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['encoding-prompt', 'denoising', 'decoding']);
    const steps = events.filter((e) => e.phase === 'denoising' && e.step > 0);
    expect(steps.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(steps.every((e) => e.totalSteps === 4 && typeof e.timestep === 'number')).toBe(true);
    expect(steps.filter((e) => e.preview).map((e) => e.step)).toEqual([2, 4]);
    expect(steps[1].preview).toMatchObject({ width: 8, height: 8 });
  });

  it('stops within one step when cancelled, then runs the next job normally', async () => {
    const controller = new AbortController();
    const run10 = run({ prompt: 'a bridge', width: 64, height: 64, num_inference_steps: 10, seed: 11 }, {
      signal: controller.signal,
      onProgress: (e) => e.phase === 'denoising' && e.step === 2 && controller.abort(),
    });
    await expect(run10).rejects.toBeInstanceOf(CancelledError);
    await expect(run10).rejects.toMatchObject({ name: 'AbortError', code: 'cancelled' });
    // Two steps of two guided calls, and nothing after the abort.
    expect(unetCalls(calls)).toHaveLength(4);
    expect(calls.some((c) => c.component === 'vae_decoder')).toBe(false);
    const next = await run({ prompt: 'a bridge', width: 64, height: 64, num_inference_steps: 2, seed: 11 });
    expect(next.images).toHaveLength(1);
  });
});

describe('textToImage failures', () => {
  it('reports NaN in the UNet output instead of decoding a black image', async () => {
    const model = await loadTinyModel('tiny-sd', {
      tweaks: [{ component: 'unet', afterRun: (outputs) => outputs.out_sample && ((outputs.out_sample as Float32Array)[5] = NaN) }],
    });
    const attempt = textToImage(model, { prompt: 'x', width: 64, height: 64, num_inference_steps: 2, seed: 1 });
    await expect(attempt).rejects.toBeInstanceOf(NonFiniteOutputError);
    await expect(attempt).rejects.toThrow(/unet output.*1 of its \d+ values are NaN/s);
    await model.release();
  });

  it('reports Inf in the VAE decoder output', async () => {
    const model = await loadTinyModel('tiny-sd', {
      tweaks: [{ component: 'vae_decoder', afterRun: (outputs) => outputs.sample && ((outputs.sample as Float32Array)[0] = Infinity) }],
    });
    await expect(textToImage(model, { prompt: 'x', width: 64, height: 64, num_inference_steps: 1, seed: 1 })).rejects.toThrow(
      /vae_decoder output.*1 are infinite/s,
    );
    await model.release();
  });
});

function asIntArray(data: unknown): Int32Array {
  return data as Int32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('textToImage with A1111 prompt weighting', () => {
  let model: StableDiffusionModel;
  const calls: RecordedCall[] = [];
  beforeAll(async () => {
    model = await loadTinyModel('tiny-sd', { calls });
  });
  afterAll(() => model.release());
  const input = { width: 64, height: 64, num_inference_steps: 2, guidance_scale: 7.5, seed: 3 };
  const textCalls = () => calls.filter((c) => c.component === 'text_encoder');
  const unetHidden = () => calls.find((c) => c.component === 'unet')!.inputs.encoder_hidden_states;

  it('without emphasis or a long prompt, gives exactly the plain reading', async () => {
    const plain = await textToImage(model, { ...input, prompt: 'a red barn' });
    const weighted = await textToImage(model, { ...input, prompt: 'a red barn' }, { promptWeighting: 'a1111' });
    expect(sameImage(plain.images[0], weighted.images[0])).toBe(true);
  });

  it('emphasis changes the embeddings the UNet sees, and the picture', async () => {
    const plain = await textToImage(model, { ...input, prompt: 'a red barn' }, { promptWeighting: 'a1111' });
    const emphasised = await textToImage(model, { ...input, prompt: 'a (red:1.6) barn' }, { promptWeighting: 'a1111' });
    expect(sameImage(plain.images[0], emphasised.images[0])).toBe(false);
  });

  it('encodes a prompt past 75 tokens in two chunks, side by side, and the negative prompt to the same length', async () => {
    calls.length = 0;
    const long = Array.from({ length: 90 }, () => 'barn').join(' ');
    await textToImage(model, { ...input, prompt: long, negative_prompt: 'blurry' }, { promptWeighting: 'a1111' });
    expect(textCalls()).toHaveLength(4); // two chunks each for the prompt and the negative prompt
    expect(unetHidden().dims[1]).toBe(154);
  });
});

describe('textToImage with the Karras schedule', () => {
  let model: StableDiffusionModel;
  beforeAll(async () => {
    model = await loadTinyModel('tiny-sd');
  });
  afterAll(() => model.release());
  const input = { prompt: 'a red barn', width: 64, height: 64, num_inference_steps: 4, guidance_scale: 7.5, seed: 3, scheduler: 'DPMSolverMultistep' };

  it('changes the sigmas (and the picture) for a scheduler that has it', async () => {
    const plain = await textToImage(model, input);
    const karras = await textToImage(model, input, { karrasSigmas: true });
    expect(sameImage(plain.images[0], karras.images[0])).toBe(false);
  });

  it('is refused, naming the schedulers that have it, for one that does not', async () => {
    await expect(textToImage(model, { ...input, scheduler: 'DDIM' }, { karrasSigmas: true })).rejects.toThrow(/^karras: the DDIM scheduler has no Karras schedule; it exists for DPMSolverMultistepScheduler/);
  });
});

describe('textToImage with the TAESD decoder', () => {
  it('decodes raw latents to [0, 1] pixels: the tiny stand-in gives the full decoder\'s picture', async () => {
    const { loadTinyModelWithTaesd } = await import('../../../test/tinyModel');
    const model = await loadTinyModelWithTaesd();
    try {
      const input = { prompt: 'a red barn', width: 64, height: 64, num_inference_steps: 3, guidance_scale: 7.5, seed: 9 };
      const full = await textToImage(model, input);
      const previews: ProgressEvent[] = [];
      const fast = await textToImage(model, input, { decoder: 'taesd', previewEvery: 1, onProgress: (event) => event.preview && previews.push(event) });
      let worst = 0;
      for (let i = 0; i < full.images[0].data.length; i++) worst = Math.max(worst, Math.abs(full.images[0].data[i] - fast.images[0].data[i]));
      // Had the engine divided by 0.18215 again, or read [0, 1] as [-1, 1], the picture would be far off.
      expect(worst).toBeLessThanOrEqual(2);
      // The live preview is a TAESD decode at full size, not the 8x smaller colour map.
      expect(previews.at(-1)!.preview!.width).toBe(64);
    } finally {
      await model.release();
    }
  });
});
