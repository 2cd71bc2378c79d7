// The two building blocks SD's UNet repeats and the VAE decoder shares: diffusers' ResnetBlock2D (optionally fed a
// timestep embedding) and Transformer2DModel with one BasicTransformerBlock (self-attention, cross-attention,
// GEGLU feed-forward), parameter names as in their state dicts.
import {
  conv2d,
  gelu,
  groupNorm,
  layerNorm,
  linear,
  mapToTokens,
  multiHeadAttention,
  silu,
  sliceAxis,
  tokensToMap,
} from './networkLayers';
import type { StreamingGraphBuilder } from './streamingGraphBuilder';

export interface ResnetShape {
  in: number;
  out: number;
  groups: number;
  epsilon: number;
  /** Width of the (already SiLU-activated) timestep embedding, or none in the VAE. */
  timeEmbedDim?: number;
}

/**
 * ResnetBlock2D (He et al. 2016, as in diffusers' resnet.py): norm → SiLU → 3x3 conv, plus the projected timestep
 * embedding, norm → SiLU → 3x3 conv, added to the input (through a 1x1 conv when the width changes).
 */
export function resnetBlock(b: StreamingGraphBuilder, x: string, name: string, shape: ResnetShape, activatedTime?: string): string {
  let h = conv2d(b, silu(b, groupNorm(b, x, `${name}.norm1`, shape.in, shape.groups, shape.epsilon)), `${name}.conv1`,
    { in: shape.in, out: shape.out, kernel: 3 });
  if (activatedTime && shape.timeEmbedDim) {
    const projected = linear(b, activatedTime, `${name}.time_emb_proj`, shape.timeEmbedDim, shape.out);
    h = b.op('Add', [h, b.op('Unsqueeze', [projected, b.int64s([2, 3])])]);
  }
  h = silu(b, groupNorm(b, h, `${name}.norm2`, shape.out, shape.groups, shape.epsilon));
  h = conv2d(b, h, `${name}.conv2`, { in: shape.out, out: shape.out, kernel: 3 });
  const shortcut = shape.in === shape.out ? x : conv2d(b, x, `${name}.conv_shortcut`, { in: shape.in, out: shape.out, kernel: 1 });
  return b.op('Add', [shortcut, h]);
}

/** diffusers' Attention: bias-free q/k/v projections (context width for k, v), multi-head attention, biased output. */
function attentionLayer(
  b: StreamingGraphBuilder,
  x: string,
  context: string,
  name: string,
  { width, contextWidth, heads }: { width: number; contextWidth: number; heads: number },
): string {
  const q = linear(b, x, `${name}.to_q`, width, width, { bias: false });
  const k = linear(b, context, `${name}.to_k`, contextWidth, width, { bias: false });
  const v = linear(b, context, `${name}.to_v`, contextWidth, width, { bias: false });
  const mixed = multiHeadAttention(b, q, k, v, { heads, headDim: width / heads });
  return linear(b, mixed, `${name}.to_out.0`, width, width);
}

/** GEGLU feed-forward (Shazeer 2020): proj to 2·4C, x·GELU(gate) over the two halves, then back to C. */
function gegluFeedForward(b: StreamingGraphBuilder, x: string, name: string, width: number): string {
  const inner = 4 * width;
  const projected = linear(b, x, `${name}.net.0.proj`, width, 2 * inner);
  const hidden = sliceAxis(b, projected, -1, 0, inner);
  const gate = sliceAxis(b, projected, -1, inner, 2 * inner);
  return linear(b, b.op('Mul', [hidden, gelu(b, gate)]), `${name}.net.2`, inner, width);
}

export interface TransformerShape {
  channels: number;
  heads: number;
  contextWidth: number;
  groups: number;
  useLinearProjection: boolean;
}

/**
 * Transformer2DModel with one BasicTransformerBlock (Rombach et al. 2022's spatial transformer): GroupNorm, project
 * in, pre-norm self-attention, cross-attention to the text states and GEGLU feed-forward, project out, residual.
 */
export function spatialTransformer(b: StreamingGraphBuilder, x: string, context: string, name: string, shape: TransformerShape): string {
  const { channels: C, heads, contextWidth } = shape;
  const normed = groupNorm(b, x, `${name}.norm`, C, shape.groups, 1e-6);
  let tokens = shape.useLinearProjection
    ? linear(b, mapToTokens(b, normed, C), `${name}.proj_in`, C, C)
    : mapToTokens(b, conv2d(b, normed, `${name}.proj_in`, { in: C, out: C, kernel: 1 }), C);

  const block = `${name}.transformer_blocks.0`;
  const selfInput = layerNorm(b, tokens, `${block}.norm1`, C);
  tokens = b.op('Add', [tokens, attentionLayer(b, selfInput, selfInput, `${block}.attn1`, { width: C, contextWidth: C, heads })]);
  const crossInput = layerNorm(b, tokens, `${block}.norm2`, C);
  tokens = b.op('Add', [tokens, attentionLayer(b, crossInput, context, `${block}.attn2`, { width: C, contextWidth, heads })]);
  tokens = b.op('Add', [tokens, gegluFeedForward(b, layerNorm(b, tokens, `${block}.norm3`, C), `${block}.ff`, C)]);

  const projected = shape.useLinearProjection
    ? tokensToMap(b, linear(b, tokens, `${name}.proj_out`, C, C), x)
    : conv2d(b, tokensToMap(b, tokens, x), `${name}.proj_out`, { in: C, out: C, kernel: 1 });
  return b.op('Add', [projected, x]);
}
