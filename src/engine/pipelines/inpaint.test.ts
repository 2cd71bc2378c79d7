// Inpainting on both tiny UNets: the 9-channel inpainting UNet's input layout, the 4-channel blend method, and the
// promise both keep: pixels outside the mask are the input's, pixels inside are repainted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inpaint, ValidationError, type StableDiffusionModel } from '..';
import { imageToTensor, maskToLatentMask, maskToPixelMask, maskedImageTensor, type RgbaImage } from '../image';
import { loadTinyModel, rectangleMask, testPicture, type RecordedCall, type TinyVariant } from '../../../test/tinyModel';

const asFloat = (data: unknown) => data as Float32Array;

/** Checks the composite promise; returns the mean change inside the mask's core. */
function checkKeptOutside(result: RgbaImage, original: RgbaImage, mask: RgbaImage): number {
  let changedInside = 0;
  let insideCount = 0;
  for (let p = 0; p < original.width * original.height; p++) {
    const white = mask.data[p * 4] > 127;
    for (let c = 0; c < 3; c++) {
      const i = p * 4 + c;
      if (!white) expect(result.data[i], `pixel ${p} channel ${c} outside the mask`).toBe(original.data[i]);
      else {
        changedInside += Math.abs(result.data[i] - original.data[i]);
        insideCount++;
      }
    }
  }
  return changedInside / insideCount;
}

for (const variant of ['tiny-sd-inpainting', 'tiny-sd'] as TinyVariant[]) {
  describe(`inpaint with ${variant === 'tiny-sd' ? 'a 4-channel UNet (blend method)' : 'a 9-channel inpainting UNet'}`, () => {
    let model: StableDiffusionModel;
    const calls: RecordedCall[] = [];
    const image = testPicture(64, 64);
    const mask = rectangleMask(64, 64, 16, 8, 48, 40);
    beforeAll(async () => {
      model = await loadTinyModel(variant, { calls });
    });
    afterAll(() => model.release());

    it("keeps the input's pixels outside the mask and repaints inside", async () => {
      const result = await inpaint(model, { prompt: 'a golden statue', image, mask, width: 64, height: 64, num_inference_steps: 6, seed: 8 });
      const meanChangeInside = checkKeptOutside(result.images[0], image, mask);
      expect(meanChangeInside).toBeGreaterThan(10);
    });

    it('is reproducible for a seed', async () => {
      const input = { prompt: 'a golden statue', image, mask, width: 64, height: 64, num_inference_steps: 3, seed: 99 };
      const a = await inpaint(model, input);
      const b = await inpaint(model, input);
      expect(Array.from(a.images[0].data)).toEqual(Array.from(b.images[0].data));
    });

    it('feeds the UNet what diffusers feeds it', async () => {
      calls.length = 0;
      await inpaint(model, { prompt: 'moss', image, mask, width: 64, height: 64, num_inference_steps: 2, seed: 3 });
      const unet = calls.filter((c) => c.component === 'unet');
      const latentMask = maskToLatentMask(mask, 8, 8);
      if (variant === 'tiny-sd-inpainting') {
        // concat([scaled latents (4), mask (1), masked-image latents (4)]) with 1 = repaint.
        const sample = asFloat(unet[0].inputs.sample.data);
        expect(unet[0].inputs.sample.dims).toEqual([1, 9, 8, 8]);
        expect(Array.from(sample.subarray(4 * 64, 5 * 64))).toEqual(Array.from(latentMask));
        const encoder = calls.find((c) => c.component === 'vae_encoder')!;
        const expectedMasked = maskedImageTensor(imageToTensor(image), maskToPixelMask(mask, 64, 64));
        expect(Array.from(asFloat(encoder.inputs.sample.data))).toEqual(Array.from(expectedMasked));
        const maskedLatents = asFloat(encoder.outputs.latent_sample.data).map((v) => v * Math.fround(0.18215));
        expect(Array.from(sample.subarray(5 * 64, 9 * 64))).toEqual(Array.from(maskedLatents));
      } else {
        // Blend method: after the last step the known region holds the clean image latents.
        expect(unet[0].inputs.sample.dims).toEqual([1, 4, 8, 8]);
        const encoded = asFloat(calls.find((c) => c.component === 'vae_encoder')!.outputs.latent_sample.data);
        const decoderInput = asFloat(calls.find((c) => c.component === 'vae_decoder')!.inputs.latent_sample.data);
        const factor = Math.fround(0.18215);
        for (let i = 0; i < decoderInput.length; i++) {
          if (latentMask[i % 64] === 0) expect(decoderInput[i]).toBeCloseTo(Math.fround(encoded[i] * factor) / factor, 5);
        }
      }
    });
  });
}

describe('inpaint input checks', () => {
  it('rejects a mask whose size differs from the image, naming both sizes', async () => {
    const model = await loadTinyModel('tiny-sd-inpainting');
    const attempt = inpaint(model, { prompt: 'x', image: testPicture(64, 64), mask: rectangleMask(32, 32, 0, 0, 8, 8), width: 64, height: 64 });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow('mask: expected an image the size of image (64x64), got 32x32');
    await model.release();
  });
});
