// The learned part of the tiny UNet: a guess g of the clean latents from conv features of the 8x8-pooled sample,
// conditioned on the noise level and, through cross-attention, on the text. The prompt steers colours and patterns
// through it; the denoiser in unet.ts decides how far to trust it at each noise level.
import {
  attention, averagePool, groupNorm, layerNorm, linear, resizeLike, seededConv2d, silu, transposeLast,
} from './layers';
import type { NoiseLevel } from './noiseSchedule';
import type { GraphBuilder } from './onnxBuilder';
import { denseWeights } from './seededWeights';
import { TINY_SIZES } from './variants';

const FEATURES = 32;
const KEY_WIDTH = 16;
/** Group norm groups: 4 channels each. */
const GROUPS = 8;
/** Features are computed on 8x8-pooled latents: shapes of 8–32 latent pixels, i.e. 64–256 image pixels. */
const POOL = 8;
/** g = GUESS_RANGE·tanh(...): scaled latents of real images (standard deviation ~1) mostly lie within ±2.5. */
const GUESS_RANGE = 2.5;
/** Gain of the cross-attention output: the text must move g visibly even on tiny (1x1 pooled) latents. */
const CROSS_ATTENTION_GAIN = 2;
/** Query/key gain: sharp attention lets each region pick a few tokens instead of averaging all 77. */
const QUERY_KEY_GAIN = 3;

/** Noise-level embedding added to every feature channel: a small MLP of (a_t, b_t). */
function noiseLevelEmbedding(b: GraphBuilder, { signal, noise }: NoiseLevel): string {
  const pair = b.op('Concat', [signal, noise].map((s) => b.op('Reshape', [s, b.int64Constant([-1, 1])])), { axis: 1 });
  const embedding = b.op('Tanh', [linear(b, pair, 'unet.time_embedding', 2, FEATURES, { bias: true })]);
  return b.op('Reshape', [embedding, b.int64Constant([-1, FEATURES, 1, 1])]);
}

/** Spatial features attend to the text tokens; the result is added back to the features (a residual). */
function crossAttention(b: GraphBuilder, features: string, textStates: string): string {
  const tokens = transposeLast(b, b.op('Reshape', [features, b.int64Constant([0, FEATURES, -1])]));
  const normed = layerNorm(b, tokens, 'unet.cross_attn.norm', FEATURES);
  const q = linear(b, normed, 'unet.cross_attn.to_q', FEATURES, KEY_WIDTH, { gain: QUERY_KEY_GAIN });
  const k = linear(b, textStates, 'unet.cross_attn.to_k', TINY_SIZES.hiddenSize, KEY_WIDTH, { gain: QUERY_KEY_GAIN });
  const v = linear(b, textStates, 'unet.cross_attn.to_v', TINY_SIZES.hiddenSize, FEATURES);
  const outWeight = b.tensor('unet.cross_attn.to_out', [FEATURES, FEATURES],
    denseWeights('unet.cross_attn.to_out', FEATURES, FEATURES, CROSS_ATTENTION_GAIN));
  const attended = b.op('MatMul', [attention(b, q, k, v, KEY_WIDTH), outWeight]);
  const spatial = b.op('Reshape', [transposeLast(b, attended), b.op('Shape', [features])]);
  return b.op('Add', [features, spatial]);
}

export interface GuessInputs {
  /** The UNet's whole `sample` input (4 channels, or 9 for inpainting). */
  sample: string;
  /** Its first four channels: the noisy latents, whose size the guess takes. */
  latents: string;
  textStates: string;
  inChannels: number;
}

/** g, shaped like the latents and bounded by tanh, so everything built on it stays finite. */
export function cleanLatentGuess(b: GraphBuilder, inputs: GuessInputs, noiseLevel: NoiseLevel): string {
  const pooled = averagePool(b, inputs.sample, POOL);
  // Group norms keep the features independent of the overall scale of the noisy sample.
  let features = seededConv2d(b, pooled, 'unet.conv_in', { in: inputs.inChannels, out: FEATURES, kernel: 3 });
  features = groupNorm(b, features, 'unet.norm_in', GROUPS);
  features = silu(b, b.op('Add', [features, noiseLevelEmbedding(b, noiseLevel)]));
  features = crossAttention(b, features, inputs.textStates);
  features = seededConv2d(b, features, 'unet.conv_mid', { in: FEATURES, out: FEATURES, kernel: 3 });
  features = b.op('Tanh', [groupNorm(b, features, 'unet.norm_mid', GROUPS)]);
  const shape = { in: FEATURES, out: TINY_SIZES.latentChannels, kernel: 1 };
  const coarse = seededConv2d(b, features, 'unet.conv_out', shape, { gain: 2, bias: false });
  return b.op('Mul', [b.op('Tanh', [resizeLike(b, coarse, inputs.latents)]), b.floatConstant(GUESS_RANGE)]);
}
