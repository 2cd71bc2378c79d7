// The tiny VAE decoder: `latent_sample [batch, 4, latent_height, latent_width]` → `sample [batch, 3, 8·height,
// 8·width]` in about [-1, 1]. A 1x1 conv undoes the encoder's colour mix (plus three feature channels), then three
// stages of 2x bilinear Resize + 3x3 conv upsample 8x, as the SD VAE decoder's up blocks do (Upsample2D + conv).
import onnxProto from 'onnx-proto';
import { conv2d, type ConvWeights } from './layers';
import { latentToRgbWeights } from './latentColours';
import { GraphBuilder } from './onnxBuilder';
import { uniformWeights } from './seededWeights';
import { TINY_SIZES, type TinyModelVariant } from './variants';

const COLOURS = 3;
/** Channels after each stage: colour plus feature channels at low resolution, colour only at full size. */
const STAGE_CHANNELS = [6, 6, 3, 3] as const;
/** Off-centre weight of the colour channels' sharpening kernel; it offsets the blur of bilinear upsampling. */
const SHARPEN = 0.05;
const NOISE = 0.02;

/** Latents → colour (the encoder's inverse) and feature channels (seeded mixes of all four latents). */
function inputWeights(): ConvWeights {
  const out = STAGE_CHANNELS[0];
  const latents = TINY_SIZES.latentChannels;
  const weight = new Float32Array(out * latents);
  weight.set(latentToRgbWeights());
  weight.set(uniformWeights('vae_decoder.conv_in.features', (out - COLOURS) * latents, 0.1), COLOURS * latents);
  return { weight };
}

/**
 * A 3x3 refinement kernel near the identity: each colour channel keeps itself through a sharpening kernel whose
 * taps sum to 1 (flat regions pass unchanged), feature channels pass through, and seeded noise mixes them a little.
 */
function refinementWeights(name: string, inChannels: number, outChannels: number): ConvWeights {
  const weight = uniformWeights(`${name}.weight`, outChannels * inChannels * 9, NOISE);
  for (let channel = 0; channel < Math.min(inChannels, outChannels); channel++) {
    const kernel = (channel * inChannels + channel) * 9;
    if (channel < COLOURS) {
      for (let tap = 0; tap < 9; tap++) weight[kernel + tap] -= SHARPEN;
      weight[kernel + 4] += 1 + 9 * SHARPEN;
    } else {
      weight[kernel + 4] += 1;
    }
  }
  return { weight, bias: uniformWeights(`${name}.bias`, outChannels, NOISE) };
}

/**
 * `taesd`: the tiny stand-in for TAESD (madebyollin/taesd) — TAESD's contract, not its network: it takes the UNet's
 * latents as they are (scale factor 1, not divided by 0.18215) and gives pixels in [0, 1], so a decode through it
 * matches the full decoder's picture when the engine handles both contracts right.
 */
export function buildVaeDecoder(variant: TinyModelVariant, taesd = false): onnxProto.onnx.ModelProto {
  const b = new GraphBuilder();
  const input = b.floatInput('latent_sample', variant.floatType,
    ['batch', TINY_SIZES.latentChannels, 'latent_height', 'latent_width']);
  const latents = taesd ? b.op('Mul', [input, b.tensor('taesd.unscale', [1], new Float32Array([1 / TINY_SIZES.vaeScalingFactor]))]) : input;
  const inputShape = { in: TINY_SIZES.latentChannels, out: STAGE_CHANNELS[0], kernel: 1 };
  let x = conv2d(b, latents, 'vae_decoder.conv_in', inputShape, inputWeights());
  const doubleSize = b.tensor('vae_decoder.upsample_scales', [4], new Float32Array([1, 1, 2, 2]));
  for (let stage = 1; stage < STAGE_CHANNELS.length; stage++) {
    const upsampled = b.op('Resize', [x, '', doubleSize], {
      mode: 'linear',
      coordinate_transformation_mode: 'half_pixel',
    });
    const shape = { in: STAGE_CHANNELS[stage - 1], out: STAGE_CHANNELS[stage], kernel: 3, edgePadding: true };
    const name = `vae_decoder.up${stage}.conv`;
    x = conv2d(b, upsampled, name, shape, refinementWeights(name, shape.in, shape.out));
  }
  if (taesd) {
    const half = b.tensor('taesd.half', [1], new Float32Array([0.5]));
    x = b.op('Add', [b.op('Mul', [x, half]), half]);
  }
  b.floatOutput('sample', variant.floatType, ['batch', COLOURS, 'height', 'width'], x);
  return taesd
    ? b.build('vae_decoder', 'Tiny stand-in for the TAESD decoder (raw latents in, [0, 1] pixels out) for tests and the demo.')
    : b.build('vae_decoder', 'Tiny VAE decoder (8x upsampling) for tests and the built-in demo.');
}
