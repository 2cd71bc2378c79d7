// The tiny CLIP text encoder: `input_ids [batch, sequence]` → `last_hidden_state [batch, sequence, D]` and
// `pooler_output [batch, D]`, built like one layer of CLIP's text transformer (causal self-attention and a
// quick-GELU MLP, pre-norm, final layer norm), with token ids hashed into a small embedding table.
import onnxProto from 'onnx-proto';
import { dataType, GraphBuilder } from './onnxBuilder';
import { attention, layerNorm, linear, quickGelu } from './layers';
import { uniformWeights } from './seededWeights';
import { TINY_SIZES, type TinyModelVariant } from './variants';

const D = TINY_SIZES.hiddenSize;
const MLP_WIDTH = 2 * D;
/** Sharper self-attention, so padding tokens gather the prompt's tokens rather than an even average. */
const QUERY_KEY_GAIN = 2;

/** CLIP's causal mask: token i sees tokens 0..i only, so padding after the prompt never changes the prompt's states. */
function causalMask(size: number): Float32Array {
  const mask = new Float32Array(size * size);
  for (let row = 0; row < size; row++) mask.fill(-1e9, row * size + row + 1, (row + 1) * size);
  return mask;
}

export function buildTextEncoder(variant: TinyModelVariant): onnxProto.onnx.ModelProto {
  const b = new GraphBuilder();
  const ids = b.input('input_ids', variant.inputIdsType, ['batch', 'sequence']);
  const sequenceLength = b.op('Slice', [b.op('Shape', [ids]), b.int64Constant([1]), b.int64Constant([2])]);

  // Embeddings: a hashed token table (ids mod 1024) plus learned positions, as CLIPTextEmbeddings adds them.
  const ids64 = variant.inputIdsType === 'int64' ? ids : b.op('Cast', [ids], { to: dataType('int64') });
  const rows = b.op('Mod', [ids64, b.int64Constant([TINY_SIZES.hashedVocab], true)]);
  const tokenTable = b.tensor('text_encoder.token_embedding', [TINY_SIZES.hashedVocab, D],
    uniformWeights('text_encoder.token_embedding', TINY_SIZES.hashedVocab * D, Math.sqrt(3)));
  const positionTable = b.tensor('text_encoder.position_embedding', [TINY_SIZES.maxPositions, D],
    uniformWeights('text_encoder.position_embedding', TINY_SIZES.maxPositions * D, 0.5));
  const positions = b.op('Slice', [positionTable, b.int64Constant([0]), sequenceLength, b.int64Constant([0])]);
  let x = b.op('Add', [b.op('Gather', [tokenTable, rows]), positions]);

  // Causal self-attention block (CLIPEncoderLayer: x + attn(ln1(x)), then x + mlp(ln2(x))).
  const maskTable = b.tensor('text_encoder.causal_mask', [TINY_SIZES.maxPositions, TINY_SIZES.maxPositions],
    causalMask(TINY_SIZES.maxPositions));
  const maskEnds = b.op('Concat', [sequenceLength, sequenceLength], { axis: 0 });
  const mask = b.op('Slice', [maskTable, b.int64Constant([0, 0]), maskEnds, b.int64Constant([0, 1])]);
  const normed = layerNorm(b, x, 'text_encoder.layer_norm1', D);
  const q = linear(b, normed, 'text_encoder.self_attn.q_proj', D, D, { gain: QUERY_KEY_GAIN });
  const k = linear(b, normed, 'text_encoder.self_attn.k_proj', D, D, { gain: QUERY_KEY_GAIN });
  const v = linear(b, normed, 'text_encoder.self_attn.v_proj', D, D);
  x = b.op('Add', [x, linear(b, attention(b, q, k, v, D, mask), 'text_encoder.self_attn.out_proj', D, D)]);
  const mlpInput = layerNorm(b, x, 'text_encoder.layer_norm2', D);
  const hidden = quickGelu(b, linear(b, mlpInput, 'text_encoder.fc1', D, MLP_WIDTH, { bias: true }));
  x = b.op('Add', [x, linear(b, hidden, 'text_encoder.fc2', MLP_WIDTH, D, { bias: true })]);
  const lastHiddenState = layerNorm(b, x, 'text_encoder.final_layer_norm', D);
  b.floatOutput('last_hidden_state', variant.floatType, ['batch', 'sequence', D], lastHiddenState);

  // Pooled output: the state at the end-of-text token, found as the largest id (transformers' CLIPTextTransformer
  // takes `input_ids.argmax(-1)`; 49407 is the largest id in CLIP's vocabulary). A one-hot row picks it by MatMul.
  const eosPosition = b.op('ArgMax', [b.op('Cast', [ids], { to: dataType('float32') })], { axis: 1, keepdims: 1 });
  const length = b.op('Squeeze', [sequenceLength, b.int64Constant([0])]);
  const range = b.op('Range', [b.int64Constant([0], true), length, b.int64Constant([1], true)]);
  const isEos = b.op('Equal', [b.op('Unsqueeze', [range, b.int64Constant([0])]), eosPosition]);
  const oneHot = b.op('Unsqueeze', [b.op('Cast', [isEos], { to: dataType('float32') }), b.int64Constant([1])]);
  const pooled = b.op('Squeeze', [b.op('MatMul', [oneHot, lastHiddenState]), b.int64Constant([1])]);
  b.floatOutput('pooler_output', variant.floatType, ['batch', D], pooled);

  return b.build('text_encoder', `Tiny CLIP text encoder (hidden size ${D}) for tests and the built-in demo.`);
}
