// The layers of the real-size networks as ONNX subgraphs, written the way torch.onnx exports them at opset 17
// (nn.Linear → MatMul + Add, GroupNorm → Reshape + InstanceNormalization + Reshape + affine, GELU → Erf), with
// parameter names and PyTorch default initialisation as in the diffusers / transformers modules they stand for.
import { floatAttr, type StreamingGraphBuilder } from './streamingGraphBuilder';

/** nn.Linear: `x @ Wᵀ (+ b)`, the weight stored `[in, out]` as exports keep it after folding the transpose. */
export function linear(
  b: StreamingGraphBuilder,
  x: string,
  name: string,
  inFeatures: number,
  outFeatures: number,
  { bias = true }: { bias?: boolean } = {},
): string {
  const bound = 1 / Math.sqrt(inFeatures);
  const product = b.op('MatMul', [x, b.parameter(`${name}.weight`, [inFeatures, outFeatures], { uniform: bound })]);
  return bias ? b.op('Add', [product, b.parameter(`${name}.bias`, [outFeatures], { uniform: bound })]) : product;
}

export interface ConvShape {
  in: number;
  out: number;
  kernel: number;
  stride?: number;
  bias?: boolean;
}

/** nn.Conv2d with `padding = kernel // 2` (every conv of SD's UNet and VAE and of TAESD). */
export function conv2d(b: StreamingGraphBuilder, x: string, name: string, shape: ConvShape): string {
  const { kernel, stride = 1, bias = true } = shape;
  const bound = 1 / Math.sqrt(shape.in * kernel * kernel);
  const inputs = [x, b.parameter(`${name}.weight`, [shape.out, shape.in, kernel, kernel], { uniform: bound })];
  if (bias) inputs.push(b.parameter(`${name}.bias`, [shape.out], { uniform: bound }));
  const pad = Math.floor(kernel / 2);
  return b.op('Conv', inputs, { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}

/**
 * nn.GroupNorm (Wu & He 2018) as torch exported it before opset 18: reshape to `[batch, groups, rest]`,
 * InstanceNormalization with an identity affine, reshape back, then the learned per-channel scale and shift.
 */
export function groupNorm(b: StreamingGraphBuilder, x: string, name: string, channels: number, groups: number, epsilon: number): string {
  const grouped = b.op('Reshape', [x, b.int64s([0, groups, -1])]);
  const normalised = b.op('InstanceNormalization', [grouped, b.filled(1, groups), b.filled(0, groups)], {
    epsilon: floatAttr(epsilon),
  });
  const restored = b.op('Reshape', [normalised, b.op('Shape', [x])]);
  const scale = b.parameter(`${name}.weight`, [channels, 1, 1], { fill: 1 });
  const shift = b.parameter(`${name}.bias`, [channels, 1, 1], { fill: 0 });
  return b.op('Add', [b.op('Mul', [restored, scale]), shift]);
}

/** nn.LayerNorm over the last axis. */
export function layerNorm(b: StreamingGraphBuilder, x: string, name: string, width: number, epsilon = 1e-5): string {
  const scale = b.parameter(`${name}.weight`, [width], { fill: 1 });
  const shift = b.parameter(`${name}.bias`, [width], { fill: 0 });
  return b.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: floatAttr(epsilon) });
}

/** SiLU, x·sigmoid(x): the UNet's and VAE's activation. */
export function silu(b: StreamingGraphBuilder, x: string): string {
  return b.op('Mul', [x, b.op('Sigmoid', [x])]);
}

/** Exact GELU (Hendrycks & Gimpel 2016), x·Φ(x) = 0.5·x·(1 + erf(x/√2)), as torch exports it below opset 20. */
export function gelu(b: StreamingGraphBuilder, x: string): string {
  const erf = b.op('Erf', [b.op('Mul', [x, b.scalar(Math.SQRT1_2)])]);
  return b.op('Mul', [b.op('Mul', [x, b.scalar(0.5)]), b.op('Add', [erf, b.scalar(1)])]);
}

/** CLIP's quick GELU, x·sigmoid(1.702x) (openai/CLIP model.py `QuickGELU`). */
export function quickGelu(b: StreamingGraphBuilder, x: string): string {
  return b.op('Mul', [x, b.op('Sigmoid', [b.op('Mul', [x, b.scalar(1.702)])])]);
}

/** `x[..., start:end]` along `axis`. */
export function sliceAxis(b: StreamingGraphBuilder, x: string, axis: number, start: number, end: number): string {
  return b.op('Slice', [x, b.int64s([start]), b.int64s([end]), b.int64s([axis])]);
}

/** `[B, C, H, W]` → `[B, H·W, C]`: a feature map as a sequence of tokens. */
export function mapToTokens(b: StreamingGraphBuilder, x: string, channels: number): string {
  return b.op('Transpose', [b.op('Reshape', [x, b.int64s([0, channels, -1])])], { perm: [0, 2, 1] });
}

/** `[B, H·W, C]` → `[B, C, H, W]` with the height and width of `like`. */
export function tokensToMap(b: StreamingGraphBuilder, tokens: string, like: string): string {
  return b.op('Reshape', [b.op('Transpose', [tokens], { perm: [0, 2, 1] }), b.op('Shape', [like])]);
}

/** Nearest-neighbour 2x upsampling (F.interpolate(scale_factor=2, mode='nearest') as torch exports it). */
export function upsampleNearest2x(b: StreamingGraphBuilder, x: string): string {
  const scales = b.floatTable('resize_scales', [4], new Float32Array([1, 1, 2, 2]), { float32: true });
  return b.op('Resize', [x, '', scales], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(q kᵀ / √d + mask) v per head, with
 * q `[B, N, heads·d]` and k, v `[B, S, heads·d]`; `mask` is additive and broadcast over batch and heads.
 */
export function multiHeadAttention(
  b: StreamingGraphBuilder,
  q: string,
  k: string,
  v: string,
  { heads, headDim, mask }: { heads: number; headDim: number; mask?: string },
): string {
  const split = (x: string, perm: number[]) =>
    b.op('Transpose', [b.op('Reshape', [x, b.int64s([0, 0, heads, headDim])])], { perm });
  const queries = split(q, [0, 2, 1, 3]); // [B, h, N, d]
  const keysT = split(k, [0, 2, 3, 1]); // [B, h, d, S]
  const values = split(v, [0, 2, 1, 3]); // [B, h, S, d]
  const scores = b.op('Mul', [b.op('MatMul', [queries, keysT]), b.scalar(1 / Math.sqrt(headDim))]);
  const weights = b.op('Softmax', [mask ? b.op('Add', [scores, mask]) : scores], { axis: -1 });
  const mixed = b.op('Transpose', [b.op('MatMul', [weights, values])], { perm: [0, 2, 1, 3] });
  return b.op('Reshape', [mixed, b.int64s([0, 0, heads * headDim])]);
}
