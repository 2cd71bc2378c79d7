// The real-size CLIP text encoder graph (transformers' CLIPTextModel: ViT-L/14's 12 x 768 for SD 1.x, ~123 M
// parameters; OpenCLIP ViT-H/14's 23 x 1024 for SD 2.x): `input_ids int32 [batch, sequence]` → `last_hidden_state`
// and `pooler_output` (the state at the end-of-text token), pre-norm layers with a causal mask.
import type onnxProto from 'onnx-proto';
import type { ClipTextArchitecture } from './architectures';
import { gelu, layerNorm, linear, multiHeadAttention, quickGelu } from './networkLayers';
import { StreamingGraphBuilder, type FloatType, type WeightStore } from './streamingGraphBuilder';
import { dataType } from '../tinyModels/onnxBuilder';

/** CLIP's causal mask: token i attends to tokens 0..i; the rest get the dtype's lowest value, as transformers uses. */
function causalMask(size: number, computeType: FloatType): Float32Array {
  const lowest = computeType === 'float16' ? -65504 : -3.4028234663852886e38;
  const mask = new Float32Array(size * size);
  for (let row = 0; row < size; row++) mask.fill(lowest, row * size + row + 1, (row + 1) * size);
  return mask;
}

export function buildClipTextEncoderGraph(arch: ClipTextArchitecture, computeType: FloatType, store?: WeightStore): onnxProto.onnx.ModelProto {
  const b = new StreamingGraphBuilder(computeType, store);
  const D = arch.hiddenSize;
  const ids = b.input('input_ids', 'int32', ['batch', 'sequence']);
  const sequence = b.op('Slice', [b.op('Shape', [ids]), b.int64s([1]), b.int64s([2])]);

  // 1. Embeddings (CLIPTextEmbeddings): token rows plus learned positions 0..sequence-1.
  const tokens = b.parameter('text_model.embeddings.token_embedding.weight', [arch.vocabSize, D], { uniform: 0.03 });
  const positionTable = b.parameter('text_model.embeddings.position_embedding.weight', [arch.maxPositions, D], { uniform: 0.03 });
  const positions = b.op('Slice', [positionTable, b.int64s([0]), sequence, b.int64s([0])]);
  let x = b.op('Add', [b.op('Gather', [tokens, ids], { axis: 0 }), positions]);

  // 2. Encoder layers (CLIPEncoderLayer): x + attn(ln1(x)), then x + mlp(ln2(x)).
  const maskTable = b.floatTable('causal_mask', [arch.maxPositions, arch.maxPositions], causalMask(arch.maxPositions, computeType));
  const maskEnds = b.op('Concat', [sequence, sequence], { axis: 0 });
  const mask = b.op('Slice', [maskTable, b.int64s([0, 0]), maskEnds, b.int64s([0, 1])]);
  const activation = arch.activation === 'quick_gelu' ? quickGelu : gelu;
  for (let layer = 0; layer < arch.layers; layer++) {
    const name = `text_model.encoder.layers.${layer}`;
    const normed = layerNorm(b, x, `${name}.layer_norm1`, D);
    const q = linear(b, normed, `${name}.self_attn.q_proj`, D, D);
    const k = linear(b, normed, `${name}.self_attn.k_proj`, D, D);
    const v = linear(b, normed, `${name}.self_attn.v_proj`, D, D);
    const mixed = multiHeadAttention(b, q, k, v, { heads: arch.heads, headDim: D / arch.heads, mask });
    x = b.op('Add', [x, linear(b, mixed, `${name}.self_attn.out_proj`, D, D)]);
    const hidden = activation(b, linear(b, layerNorm(b, x, `${name}.layer_norm2`, D), `${name}.mlp.fc1`, D, arch.intermediateSize));
    x = b.op('Add', [x, linear(b, hidden, `${name}.mlp.fc2`, arch.intermediateSize, D)]);
  }
  const lastHiddenState = layerNorm(b, x, 'text_model.final_layer_norm', D);
  b.output('last_hidden_state', computeType, ['batch', 'sequence', D], lastHiddenState);

  // 3. Pooled output: the state at the end-of-text token, the largest id (transformers takes input_ids.argmax(-1)).
  const eos = b.op('ArgMax', [b.op('Cast', [ids], { to: dataType('float32') })], { axis: 1, keepdims: 1 });
  const pooled = b.op('GatherND', [lastHiddenState, eos], { batch_dims: 1 });
  b.output('pooler_output', computeType, ['batch', D], pooled);
  return b.build('text_encoder', `Synthetic CLIPTextModel (random weights, real architecture): ${JSON.stringify(arch)}`);
}
