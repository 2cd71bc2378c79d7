// The tiny VAE's latent space: four latent channels are fixed mixes of R, G and B (the columns of a 4x4
// Hadamard matrix, so the mix is orthonormal and its transpose undoes it). The encoder applies it, the decoder
// its transpose, which makes the two roughly inverse to each other.
import { TINY_SIZES } from './variants';

/** `RGB_TO_LATENT[latent][colour]`: luminance, then three colour-difference channels. */
const RGB_TO_LATENT = [
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0.5, 0.5, -0.5],
  [0.5, -0.5, -0.5],
] as const;

/**
 * Gain from pixels to (unscaled) latents: an image whose pixels have a standard deviation of 0.5 gets latents of
 * ~0.5/0.18215, i.e. scaled latents (× scaling_factor, as pipelines use them) of ~unit standard deviation.
 */
const LATENT_GAIN = 1 / (TINY_SIZES.vaeScalingFactor * 0.5);

/** 1x1 convolution weights `[4, 3]` from RGB to latents. */
export function rgbToLatentWeights(): Float32Array {
  return Float32Array.from(RGB_TO_LATENT.flat(), (w) => w * LATENT_GAIN);
}

/** The inverse mix `[3, 4]` from latents back to RGB (the transpose, divided by the gain). */
export function latentToRgbWeights(): Float32Array {
  const out = new Float32Array(3 * RGB_TO_LATENT.length);
  for (let colour = 0; colour < 3; colour++) {
    for (let latent = 0; latent < RGB_TO_LATENT.length; latent++) {
      out[colour * RGB_TO_LATENT.length + latent] = RGB_TO_LATENT[latent][colour] / LATENT_GAIN;
    }
  }
  return out;
}
