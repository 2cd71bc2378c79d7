// The parameter count and FLOPs of an ONNX graph, read off its nodes at one concrete input size: a multiply-add
// counts as 2 FLOPs; Conv and MatMul/Gemm carry the cost and are split into convolutions, linear layers (a MatMul
// against a parameter) and attention (a MatMul between two activations); everything else is tallied as
// element-wise work (one op per output element), reported apart because it is bandwidth- not compute-bound.
import onnxProto from 'onnx-proto';
import { inferShapes } from './graphShapes';
import { CONSTANT_PREFIX } from './streamingGraphBuilder';

const { onnx } = onnxProto;
const FLOAT_TYPES = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.FLOAT16]);
/** Ops that only move or describe data: no arithmetic. */
const DATA_MOVEMENT = new Set(['Identity', 'Shape', 'Reshape', 'Transpose', 'Unsqueeze', 'Concat', 'Slice', 'Gather', 'GatherND', 'Cast', 'Resize']);

export interface GraphCost {
  parameters: number;
  /** FLOPs of Conv nodes. */
  convolution: number;
  /** FLOPs of MatMul/Gemm nodes with a parameter operand (nn.Linear). */
  linear: number;
  /** FLOPs of MatMul nodes between two activations (q·kᵀ and weights·v). */
  attention: number;
  /** convolution + linear + attention. */
  total: number;
  /** Output elements of arithmetic ops other than Conv/MatMul (norms, activations, residual adds, softmax). */
  elementwise: number;
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Learned values: float initializers other than the builder's inline constants (identity norm affines, masks, tables). */
export function countParameters(model: onnxProto.onnx.IModelProto): number {
  return (model.graph!.initializer ?? [])
    .filter((t) => FLOAT_TYPES.has(t.dataType!) && !t.name!.startsWith(CONSTANT_PREFIX))
    .reduce((sum, t) => sum + product((t.dims ?? []).map(Number)), 0);
}

export function graphCost(model: onnxProto.onnx.IModelProto, inputShapes: Record<string, number[]>): GraphCost {
  const facts = inferShapes(model, inputShapes);
  const parameterNames = new Set(
    (model.graph!.initializer ?? []).filter((t) => !t.name!.startsWith(CONSTANT_PREFIX)).map((t) => t.name!),
  );
  const cost: GraphCost = { parameters: countParameters(model), convolution: 0, linear: 0, attention: 0, total: 0, elementwise: 0 };
  for (const node of model.graph!.node ?? []) {
    const out = facts.get(node.output![0])!.shape;
    const input = (i: number) => facts.get(node.input![i])!.shape;
    if (node.opType === 'Conv') {
      const [, inPerGroup, kh, kw] = input(1);
      cost.convolution += 2 * product(out) * inPerGroup * kh * kw;
    } else if (node.opType === 'MatMul' || node.opType === 'Gemm') {
      const a = input(0);
      const inner = node.opType === 'Gemm' && node.attribute?.some((x) => x.name === 'transA' && Number(x.i) === 1) ? a[0] : a[a.length - 1];
      const flops = 2 * product(out) * inner;
      if (node.input!.some((name) => parameterNames.has(name))) cost.linear += flops;
      else cost.attention += flops;
    } else if (!DATA_MOVEMENT.has(node.opType!)) {
      cost.elementwise += product(out);
    }
  }
  cost.total = cost.convolution + cost.linear + cost.attention;
  return cost;
}
