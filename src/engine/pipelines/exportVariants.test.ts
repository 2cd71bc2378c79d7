// The engine adapts to the export in hand from session metadata: int32/int64 ids, float16 I/O, int64/float32/
// float16 timesteps of shape [B], [1] or scalar, latent_sample or latent_parameters, weights in external data.
import { describe, expect, it } from 'vitest';
import { generate, type StableDiffusionModel } from '..';
import type { GenerationMode } from '../../predictions/PredictionInput';
import { loadTinyModel, rectangleMask, testPicture, type RecordedCall, type TinyVariant } from '../../../test/tinyModel';

interface Expectation {
  idsType: string;
  sampleType: string;
  timestep: { type: string; dims: number[] };
  encoderOutput: string;
}

const EXPECTED: Record<Exclude<TinyVariant, 'tiny-sd-inpainting'>, Expectation> = {
  'tiny-sd': { idsType: 'int32', sampleType: 'float32', timestep: { type: 'int64', dims: [2] }, encoderOutput: 'latent_sample' },
  'tiny-sd-fp16': { idsType: 'int32', sampleType: 'float16', timestep: { type: 'float16', dims: [1] }, encoderOutput: 'latent_sample' },
  'tiny-sd-int64': { idsType: 'int64', sampleType: 'float32', timestep: { type: 'float32', dims: [2] }, encoderOutput: 'latent_parameters' },
  'tiny-sd-external-data': { idsType: 'int32', sampleType: 'float32', timestep: { type: 'int64', dims: [] }, encoderOutput: 'latent_sample' },
};

async function runAllModes(model: StableDiffusionModel) {
  const image = testPicture(64, 64);
  const mask = rectangleMask(64, 64, 8, 8, 40, 40);
  const inputs: Record<GenerationMode, Parameters<typeof generate>[2]> = {
    'text-to-image': { prompt: 'a harbour', width: 64, height: 64, num_inference_steps: 2, num_outputs: 2, seed: 6 },
    'image-to-image': { prompt: 'a harbour', image, num_inference_steps: 4, num_outputs: 2, seed: 6 },
    inpainting: { prompt: 'a harbour', image, mask, width: 64, height: 64, num_inference_steps: 2, num_outputs: 2, seed: 6 },
  };
  const results = [];
  for (const mode of Object.keys(inputs) as GenerationMode[]) results.push(await generate(model, mode, inputs[mode]));
  return results;
}

describe('export variants', () => {
  for (const [variant, expected] of Object.entries(EXPECTED) as Array<[keyof typeof EXPECTED, Expectation]>) {
    it(`${variant}: all three modes run, deterministically, fed in the graph's own types and shapes`, async () => {
      const calls: RecordedCall[] = [];
      const model = await loadTinyModel(variant, { calls });
      const first = await runAllModes(model);
      const again = await runAllModes(model);
      for (let i = 0; i < first.length; i++) {
        expect(first[i].images).toHaveLength(2);
        expect(Array.from(first[i].images[1].data)).toEqual(Array.from(again[i].images[1].data));
      }
      const textEncoder = calls.find((c) => c.component === 'text_encoder')!;
      expect(textEncoder.inputs.input_ids.type).toBe(expected.idsType);
      const unet = calls.find((c) => c.component === 'unet')!;
      expect(unet.inputs.sample.type).toBe(expected.sampleType);
      expect(unet.inputs.timestep).toMatchObject(expected.timestep);
      expect(Object.keys(calls.find((c) => c.component === 'vae_encoder')!.outputs)).toContain(expected.encoderOutput);
      await model.release();
    });
  }

  it('a float16 export gives nearly the same image as the float32 one (same weights, half precision)', async () => {
    const input = { prompt: 'a lantern', width: 64, height: 64, num_inference_steps: 3, seed: 12 };
    const fp32 = await loadTinyModel('tiny-sd');
    const fp16 = await loadTinyModel('tiny-sd-fp16');
    const [a, b] = [await generate(fp32, 'text-to-image', input), await generate(fp16, 'text-to-image', input)];
    let worst = 0;
    for (let i = 0; i < a.images[0].data.length; i++) worst = Math.max(worst, Math.abs(a.images[0].data[i] - b.images[0].data[i]));
    expect(worst).toBeLessThan(12);
    await Promise.all([fp32.release(), fp16.release()]);
  });

  it('a 9-channel inpainting export also runs text-to-image and image-to-image (mask of ones, neutral image)', async () => {
    const calls: RecordedCall[] = [];
    const model = await loadTinyModel('tiny-sd-inpainting', { calls });
    const [txt2img, img2img] = await runAllModes(model);
    expect(txt2img.images).toHaveLength(2);
    expect(img2img.images).toHaveLength(2);
    const unet = calls.find((c) => c.component === 'unet')!;
    expect(unet.inputs.sample.dims[1]).toBe(9);
    expect(Array.from((unet.inputs.sample.data as Float32Array).subarray(4 * 64, 5 * 64)).every((v) => v === 1)).toBe(true);
    await model.release();
  });
});
