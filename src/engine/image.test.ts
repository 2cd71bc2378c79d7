// Checks the VAE pixel <-> tensor conversions bit for bit against diffusers' VaeImageProcessor reference vectors,
// the latent preview against the published latent2rgb factors, and the NaN/Inf guard.
import { describe, expect, it } from 'vitest';
import { f32, loadReference } from '../../test/referenceData';
import { NonFiniteOutputError } from './errors';
import { assertFinite, imageToTensor, latentsToPreviewImage, tensorToImages, type RgbaImage } from './image';

const math = loadReference('pipeline_math.json');

/** How many elements differ in their float32 bit patterns (so -0 vs 0 and NaN payloads count). */
function bitMismatches(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) count++;
  return count;
}

/** An RgbaImage from HWC RGB bytes with a given alpha. */
function fromRgb(rgb: number[], width: number, height: number, alpha: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data.set(rgb.slice(p * 3, p * 3 + 3), p * 4);
    data[p * 4 + 3] = alpha;
  }
  return { width, height, data };
}

describe('imageToTensor', () => {
  const ref = math.image_preprocess;
  const [height, width] = ref.input_shape_hwc;

  it('matches VaeImageProcessor.preprocess bit for bit, ignoring alpha', () => {
    const expected = f32(ref.output);
    for (const alpha of [255, 0, 77]) {
      const tensor = imageToTensor(fromRgb(ref.input_image_hwc_uint8, width, height, alpha));
      expect(bitMismatches(tensor, expected)).toBe(0);
    }
  });

  it('rejects a buffer that does not match the stated size', () => {
    expect(() => imageToTensor({ width: 4, height: 4, data: new Uint8ClampedArray(60) })).toThrow(/64 RGBA bytes, got 60/);
  });
});

describe('tensorToImages', () => {
  const ref = math.image_postprocess;
  const [, , height, width] = ref.input_shape;

  it('matches VaeImageProcessor.postprocess(output_type="pil") byte for byte', () => {
    const [image] = tensorToImages(f32(ref.input), 1, width, height);
    const rgb: number[] = [];
    for (let p = 0; p < width * height; p++) rgb.push(...image.data.subarray(p * 4, p * 4 + 3));
    expect(rgb).toEqual(ref.output_pil_hwc_uint8);
    for (let p = 0; p < width * height; p++) expect(image.data[p * 4 + 3]).toBe(255);
  });

  it('rounds exact .5 ties to even, as numpy does', () => {
    expect(ref.tie_cases.length).toBeGreaterThan(0);
    for (const tie of ref.tie_cases) {
      const [image] = tensorToImages(f32([tie.x, tie.x, tie.x]), 1, 1, 1);
      expect(Array.from(image.data)).toEqual([tie.numpy_round_half_even, tie.numpy_round_half_even, tie.numpy_round_half_even, 255]);
    }
  });

  it('splits a batch into images in NCHW order and inverts imageToTensor', () => {
    const first = fromRgb([0, 1, 2, 127, 128, 129, 253, 254, 255, 10, 200, 90], 2, 2, 255);
    const second = fromRgb([255, 0, 0, 0, 255, 0, 0, 0, 255, 64, 64, 64], 2, 2, 255);
    const batch = new Float32Array(24);
    batch.set(imageToTensor(first), 0);
    batch.set(imageToTensor(second), 12);
    const [a, b] = tensorToImages(batch, 2, 2, 2);
    expect(Array.from(a.data)).toEqual(Array.from(first.data));
    expect(Array.from(b.data)).toEqual(Array.from(second.data));
  });

  it('rejects a tensor of the wrong length', () => {
    expect(() => tensorToImages(new Float32Array(11), 1, 2, 2)).toThrow(/needs 12 values, got 11/);
  });
});

describe('latentsToPreviewImage', () => {
  it('has the latent size and maps zero latents to mid-grey', () => {
    const preview = latentsToPreviewImage(new Float32Array(4 * 6 * 5), 0, 6, 5);
    expect(preview.width).toBe(6);
    expect(preview.height).toBe(5);
    expect(preview.data.length).toBe(6 * 5 * 4);
    // (0 * 0.5 + 0.5) * 255 = 127.5, stored with ties to even.
    expect(Array.from(preview.data.subarray(0, 4))).toEqual([128, 128, 128, 255]);
  });

  it('applies the published SD 1.x latent2rgb factors to the chosen batch entry', () => {
    // Two images of 1x1 latents; image 1 has latent channel 0 = 1 and channel 3 = -1.
    const latents = f32([0, 0, 0, 0, 1, 0, 0, -1]);
    const preview = latentsToPreviewImage(latents, 1, 1, 1);
    // Factors from A1111 sd_vae_approx.cheap_approximation: rows L1 = (0.298, 0.207, 0.208), L4 = (-0.184, -0.271, -0.473).
    const expected = [0.298 + 0.184, 0.207 + 0.271, 0.208 + 0.473].map((v) => Math.round((v * 0.5 + 0.5) * 255));
    expect(Array.from(preview.data)).toEqual([...expected, 255]);
  });

  it('clamps strong latents instead of wrapping', () => {
    const preview = latentsToPreviewImage(f32([10, 10, 10, -10]), 0, 1, 1);
    expect(Array.from(preview.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('rejects an index outside the batch', () => {
    expect(() => latentsToPreviewImage(new Float32Array(8), 2, 1, 1)).toThrow(/do not hold image 2/);
  });
});

describe('assertFinite', () => {
  it('accepts finite values, including extremes', () => {
    expect(() => assertFinite(f32([0, -0, 3.4e38, -3.4e38, 1e-45]), 'UNet output')).not.toThrow();
  });

  it('names the output and counts NaN and infinite values', () => {
    const values = f32([1, NaN, Infinity, NaN, -Infinity, 2, NaN]);
    let error: unknown;
    try {
      assertFinite(values, 'VAE decoder output');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteOutputError);
    const { code, message } = error as NonFiniteOutputError;
    expect(code).toBe('non_finite_output');
    expect(message).toContain('VAE decoder output');
    expect(message).toMatch(/3 of its 7 values are NaN and 2 are infinite/);
  });
});
