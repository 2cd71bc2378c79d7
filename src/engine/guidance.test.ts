// Checks classifier-free guidance, guidance rescale and VAE latent scaling bit for bit against the diffusers/torch
// float32 reference vectors, and the batch layout [uncond images | text images].
import { describe, expect, it } from 'vitest';
import { f32, loadReference } from '../../test/referenceData';
import { applyClassifierFreeGuidance, scaleLatents, unscaleLatents } from './guidance';

const math = loadReference('pipeline_math.json');

function bitMismatches(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) count++;
  return count;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

describe('applyClassifierFreeGuidance', () => {
  const ref = math.classifier_free_guidance;
  const uncond = f32(ref.noise_pred_uncond);
  const text = f32(ref.noise_pred_text);

  it('reference has every guidance scale case', () => {
    expect(ref.cases.map((c: { guidance_scale: number }) => c.guidance_scale)).toEqual([1, 3, 7.5, 12]);
  });

  for (const testCase of ref.cases) {
    const g = testCase.guidance_scale as number;

    it(`matches uncond + g * (text - uncond) bit for bit at g = ${g}`, () => {
      const guided = applyClassifierFreeGuidance(concat(uncond, text), 1, g);
      expect(bitMismatches(guided, f32(testCase.combined))).toBe(0);
    });

    it(`matches rescale_noise_cfg(guidance_rescale=0.7) bit for bit at g = ${g}`, () => {
      const guided = applyClassifierFreeGuidance(concat(uncond, text), 1, g, 0.7);
      expect(bitMismatches(guided, f32(testCase['rescaled_guidance_rescale_0.7']))).toBe(0);
    });
  }

  it('reads a batch as all uncond images first, then all text images, and rescales each image alone', () => {
    const testCase = ref.cases[2];
    // Image 1 is image 0 with uncond and text scaled by 4 (exact in float32): its own std must drive its rescale.
    const scale4 = (v: Float32Array) => v.map((x) => x * 4);
    const guided = applyClassifierFreeGuidance(concat(uncond, scale4(uncond), text, scale4(text)), 2, testCase.guidance_scale, 0.7);
    expect(guided.length).toBe(2 * 256);
    const expected = f32(testCase['rescaled_guidance_rescale_0.7']);
    expect(bitMismatches(guided.slice(0, 256), expected)).toBe(0);
    expect(bitMismatches(guided.slice(256), scale4(expected))).toBe(0);
  });

  it('rejects a prediction that does not split into two equal halves of the batch', () => {
    expect(() => applyClassifierFreeGuidance(new Float32Array(6), 2, 7.5)).toThrow(/2 x 2 equal predictions, got 6/);
    expect(() => applyClassifierFreeGuidance(new Float32Array(8), 2, 7.5, 1.5)).toThrow(/rescale in \[0, 1\]/);
  });
});

describe('VAE latent scaling', () => {
  const ref = math.vae_scaling;
  const latents = f32(ref.latents);

  it('unscaleLatents reproduces torch `latents / 0.18215` bit for bit', () => {
    expect(bitMismatches(unscaleLatents(latents, ref.scaling_factor), f32(ref.latents_div_scaling_factor))).toBe(0);
  });

  it('scaleLatents reproduces torch `0.18215 * latents` bit for bit', () => {
    expect(bitMismatches(scaleLatents(latents, ref.scaling_factor), f32(ref.latents_mul_scaling_factor))).toBe(0);
  });
});
