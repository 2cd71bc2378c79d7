// The tiny VAE encoder: `sample [batch, 3, height, width]` → `latent_sample [batch, 4, height/8, width/8]`, or
// `latent_parameters [batch, 8, ...]` (mean, then log-variance, as AutoencoderKL's DiagonalGaussianDistribution
// takes them). A near-identity 3x3 conv, an 8x8 average pool and the 1x1 colour mix the decoder undoes.
import onnxProto from 'onnx-proto';
import { conv2d } from './layers';
import { rgbToLatentWeights } from './latentColours';
import { GraphBuilder } from './onnxBuilder';
import { uniformWeights } from './seededWeights';
import { TINY_SIZES, type TinyModelVariant } from './variants';

const COLOURS = 3;
const NOISE = 0.02;
/** Log-variance of the posterior: std e^-5 ≈ 0.007 unscaled latents, a near-deterministic encoder like SD's. */
const LOG_VARIANCE = -10;

/** Identity plus seeded noise: a real convolution that keeps the picture. */
function smoothingWeights(): Float32Array {
  const weight = uniformWeights('vae_encoder.conv_in.weight', COLOURS * COLOURS * 9, NOISE);
  for (let channel = 0; channel < COLOURS; channel++) weight[(channel * COLOURS + channel) * 9 + 4] += 1;
  return weight;
}

export function buildVaeEncoder(variant: TinyModelVariant): onnxProto.onnx.ModelProto {
  const latents = TINY_SIZES.latentChannels;
  const b = new GraphBuilder();
  const image = b.floatInput('sample', variant.floatType, ['batch', COLOURS, 'height', 'width']);
  const smoothShape = { in: COLOURS, out: COLOURS, kernel: 3 };
  const smoothed = conv2d(b, image, 'vae_encoder.conv_in', smoothShape, { weight: smoothingWeights() });
  const factor = TINY_SIZES.vaeScaleFactor;
  const pooled = b.op('AveragePool', [smoothed], { kernel_shape: [factor, factor], strides: [factor, factor] });

  const withParameters = variant.vaeEncoderOutput === 'latent_parameters';
  const outChannels = withParameters ? 2 * latents : latents;
  const weight = new Float32Array(outChannels * COLOURS);
  const bias = new Float32Array(outChannels);
  weight.set(rgbToLatentWeights());
  if (withParameters) {
    weight.set(uniformWeights('vae_encoder.quant_conv.log_variance', latents * COLOURS, 0.1), latents * COLOURS);
    bias.fill(LOG_VARIANCE, latents);
  }
  const moments = conv2d(b, pooled, 'vae_encoder.quant_conv', { in: COLOURS, out: outChannels, kernel: 1 }, {
    weight,
    bias,
  });
  const dims = ['batch', outChannels, 'latent_height', 'latent_width'];
  b.floatOutput(variant.vaeEncoderOutput, variant.floatType, dims, moments);
  return b.build('vae_encoder', 'Tiny VAE encoder (8x8 average pool) for tests and the built-in demo.');
}
