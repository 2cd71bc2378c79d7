// Neural-network layers as ONNX subgraphs (dense, layer norm, attention, convolution, activations), shared by the
// tiny text encoder, UNet and VAE so each component file reads as its architecture.
import { floatAttr, type GraphBuilder } from './onnxBuilder';
import { denseWeights, uniformWeights } from './seededWeights';

/** `x @ W (+ b)` over the last axis; seeded weights `name.weight` / `name.bias` (PyTorch's init times `gain`). */
export function linear(
  b: GraphBuilder,
  x: string,
  name: string,
  fanIn: number,
  fanOut: number,
  { bias: withBias = false, gain = 1 }: { bias?: boolean; gain?: number } = {},
): string {
  const weight = b.tensor(`${name}.weight`, [fanIn, fanOut], denseWeights(`${name}.weight`, fanIn, fanOut, gain));
  const product = b.op('MatMul', [x, weight]);
  if (!withBias) return product;
  const bias = b.tensor(`${name}.bias`, [fanOut], uniformWeights(`${name}.bias`, fanOut, 1 / Math.sqrt(fanIn)));
  return b.op('Add', [product, bias]);
}

/** LayerNormalization over the last axis with PyTorch's initial affine parameters (scale 1, shift 0). */
export function layerNorm(b: GraphBuilder, x: string, name: string, width: number): string {
  const scale = b.tensor(`${name}.weight`, [width], new Float32Array(width).fill(1));
  const shift = b.tensor(`${name}.bias`, [width], new Float32Array(width));
  return b.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: floatAttr(1e-5) });
}

/** Swaps the last two axes of a rank-3 tensor. */
export function transposeLast(b: GraphBuilder, x: string): string {
  return b.op('Transpose', [x], { perm: [0, 2, 1] });
}

/**
 * Single-head scaled dot-product attention (Vaswani et al. 2017): softmax(q kᵀ / sqrt(d) + mask) v, with q
 * `[B, N, d]`, k `[B, S, d]`, v `[B, S, e]`; `mask` (additive, broadcast over the batch) is optional.
 */
export function attention(b: GraphBuilder, q: string, k: string, v: string, keyWidth: number, mask?: string): string {
  const scores = b.op('Mul', [b.op('MatMul', [q, transposeLast(b, k)]), b.floatConstant(1 / Math.sqrt(keyWidth))]);
  const masked = mask ? b.op('Add', [scores, mask]) : scores;
  return b.op('MatMul', [b.op('Softmax', [masked], { axis: -1 }), v]);
}

export interface ConvWeights {
  weight: Float32Array;
  bias?: Float32Array;
}

/**
 * A same-size 2-D convolution with a square, odd `kernel` (`outChannels x inChannels x kernel x kernel`). Zero
 * padding by default; `edgePadding` repeats the border pixels instead, so image borders don't darken or brighten.
 */
export function conv2d(
  b: GraphBuilder,
  x: string,
  name: string,
  shape: { in: number; out: number; kernel: number; edgePadding?: boolean },
  weights: ConvWeights,
): string {
  const weight = b.tensor(`${name}.weight`, [shape.out, shape.in, shape.kernel, shape.kernel], weights.weight);
  const pad = (shape.kernel - 1) / 2;
  const edgePads = () => b.int64Constant([0, 0, pad, pad, 0, 0, pad, pad]);
  const padded = shape.edgePadding && pad > 0 ? b.op('Pad', [x, edgePads()], { mode: 'edge' }) : x;
  const inputs = [padded, weight];
  if (weights.bias) inputs.push(b.tensor(`${name}.bias`, [shape.out], weights.bias));
  const pads = shape.edgePadding ? 0 : pad;
  return b.op('Conv', inputs, { kernel_shape: [shape.kernel, shape.kernel], pads: [pads, pads, pads, pads] });
}

/** A convolution with PyTorch's default init (uniform, bound 1/sqrt(fan-in)) times `gain`, optionally bias-free. */
export function seededConv2d(
  b: GraphBuilder,
  x: string,
  name: string,
  shape: { in: number; out: number; kernel: number },
  { gain = 1, bias = true }: { gain?: number; bias?: boolean } = {},
): string {
  const fanIn = shape.in * shape.kernel * shape.kernel;
  const bound = gain / Math.sqrt(fanIn);
  return conv2d(b, x, name, shape, {
    weight: uniformWeights(`${name}.weight`, shape.out * fanIn, bound),
    bias: bias ? uniformWeights(`${name}.bias`, shape.out, bound) : undefined,
  });
}

/**
 * GroupNorm (Wu & He 2018) without its affine part (PyTorch initialises it to the identity), written the way
 * torch exported it before opset 18: reshape to `[batch, groups, rest]`, InstanceNormalization, reshape back.
 * Several channels per group keep it meaningful even on a 1x1 feature map.
 */
export function groupNorm(b: GraphBuilder, x: string, name: string, groups: number): string {
  const grouped = b.op('Reshape', [x, b.int64Constant([0, groups, -1])]);
  const scale = b.tensor(`${name}.group_scale`, [groups], new Float32Array(groups).fill(1));
  const shift = b.tensor(`${name}.group_shift`, [groups], new Float32Array(groups));
  const normalised = b.op('InstanceNormalization', [grouped, scale, shift], { epsilon: floatAttr(1e-5) });
  return b.op('Reshape', [normalised, b.op('Shape', [x])]);
}

/**
 * `factor`x`factor` average pooling with stride `factor`. Padding the far edges by factor − 1 (left out of the
 * averages) gives ceil(size / factor) cells, so odd sizes and inputs smaller than the window work; ceil_mode would
 * do the same, but not every onnxruntime-web kernel implements it.
 */
export function averagePool(b: GraphBuilder, x: string, factor: number): string {
  const pad = factor - 1;
  return b.op('AveragePool', [x], { kernel_shape: [factor, factor], strides: [factor, factor], pads: [0, 0, pad, pad] });
}

/** Bilinear resize of an NCHW tensor to the height and width (and batch, channels) of `reference`. */
export function resizeLike(b: GraphBuilder, x: string, reference: string): string {
  return b.op('Resize', [x, '', '', b.op('Shape', [reference])], {
    mode: 'linear',
    coordinate_transformation_mode: 'half_pixel',
  });
}

/** SiLU (swish), x·sigmoid(x): the UNet's activation. */
export function silu(b: GraphBuilder, x: string): string {
  return b.op('Mul', [x, b.op('Sigmoid', [x])]);
}

/** CLIP's quick GELU, x·sigmoid(1.702x) (openai/CLIP model.py `QuickGELU`). */
export function quickGelu(b: GraphBuilder, x: string): string {
  return b.op('Mul', [x, b.op('Sigmoid', [b.op('Mul', [x, b.floatConstant(1.702)])])]);
}

/** `x[start:end]` along `axis`. */
export function sliceAxis(b: GraphBuilder, x: string, axis: number, start: number, end: number): string {
  return b.op('Slice', [x, b.int64Constant([start]), b.int64Constant([end]), b.int64Constant([axis])]);
}
