// Static shape inference over an ONNX graph for one concrete input size (batch 1, a 64x64 latent, 77 tokens...):
// walks the nodes in order and gives every tensor its shape, and small int64 tensors (shapes, axes) their values, so
// the cost of each Conv and MatMul can be read off the graph actually built. Covers the ops the generators emit.
import onnxProto from 'onnx-proto';
import { CONSTANT_PREFIX } from './streamingGraphBuilder';

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;

export interface TensorFacts {
  shape: number[];
  /** Values of small int64 (or float32 constant) tensors: shapes, axes, slice bounds, Resize scales. */
  values?: number[];
}

const SAME_SHAPE = new Set([
  'Identity', 'Cast', 'Sigmoid', 'Tanh', 'Relu', 'Erf', 'Sin', 'Cos', 'Exp', 'Sqrt', 'Neg', 'Softmax',
  'InstanceNormalization', 'LayerNormalization',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Where']);

function attr(node: Node, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}
const intAttr = (node: Node, name: string, fallback: number) => Number(attr(node, name)?.i ?? fallback);
const intsAttr = (node: Node, name: string) => attr(node, name)?.ints?.map(Number);

function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const size = Math.max(...dims);
    if (dims.some((d) => d !== 1 && d !== size)) throw new Error(`cannot broadcast [${shapes.map((s) => `[${s}]`)}]`);
    return size;
  });
}

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function initializerFacts(tensor: onnxProto.onnx.ITensorProto): TensorFacts {
  const shape = (tensor.dims ?? []).map(Number);
  const raw = tensor.rawData;
  if (!tensor.name?.startsWith(CONSTANT_PREFIX) || !raw || raw.length === 0) return { shape };
  const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  if (tensor.dataType === onnx.TensorProto.DataType.INT64) return { shape, values: [...new BigInt64Array(bytes)].map(Number) };
  if (tensor.dataType === onnx.TensorProto.DataType.FLOAT && raw.length <= 64) return { shape, values: [...new Float32Array(bytes)] };
  return { shape };
}

function reshape(input: number[], target: number[]): number[] {
  const out = target.map((d, i) => (d === 0 ? input[i] : d));
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const total = input.reduce((p, d) => p * d, 1);
  return out.map((d) => (d === -1 ? total / known : d));
}

function slice(shape: number[], starts: number[], ends: number[], axes: number[]): { shape: number[]; ranges: [number, number][] } {
  const ranges = shape.map((d) => [0, d] as [number, number]);
  axes.forEach((rawAxis, i) => {
    const axis = axisOf(rawAxis, shape.length);
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + shape[axis] : v, 0), shape[axis]);
    ranges[axis] = [clamp(starts[i]), clamp(ends[i])];
  });
  return { shape: ranges.map(([s, e]) => Math.max(e - s, 0)), ranges };
}

/** One node's output facts from its inputs' facts. */
function inferNode(node: Node, inputs: (TensorFacts | undefined)[]): TensorFacts {
  const [a, b1, c, d] = inputs;
  const op = node.opType!;
  if (SAME_SHAPE.has(op)) return { shape: a!.shape, values: op === 'Identity' || op === 'Cast' ? a!.values : undefined };
  if (BROADCAST.has(op)) return { shape: broadcast(inputs.map((t) => t!.shape)) };
  switch (op) {
    case 'Shape':
      return { shape: [a!.shape.length], values: a!.shape };
    case 'Reshape':
      return { shape: reshape(a!.shape, b1!.values!) };
    case 'Transpose': {
      const perm = intsAttr(node, 'perm') ?? a!.shape.map((_, i) => a!.shape.length - 1 - i);
      return { shape: perm.map((p) => a!.shape[p]) };
    }
    case 'Unsqueeze': {
      const shape = [...a!.shape];
      const rank = shape.length + b1!.values!.length;
      for (const axis of b1!.values!.map((x) => axisOf(x, rank)).sort((x, y) => x - y)) shape.splice(axis, 0, 1);
      return { shape };
    }
    case 'Concat': {
      const axis = axisOf(intAttr(node, 'axis', 0), a!.shape.length);
      const shape = [...a!.shape];
      shape[axis] = inputs.reduce((sum, t) => sum + t!.shape[axis], 0);
      const values = inputs.every((t) => t!.values) ? inputs.flatMap((t) => t!.values!) : undefined;
      return { shape, values };
    }
    case 'Slice': {
      const { shape, ranges } = slice(a!.shape, b1!.values!, c!.values!, d?.values ?? a!.shape.map((_, i) => i));
      return { shape, values: a!.values && a!.shape.length === 1 ? a!.values.slice(...ranges[0]) : undefined };
    }
    case 'Gather':
      return { shape: [...b1!.shape, ...a!.shape.slice(1)] };
    case 'GatherND': {
      const batchDims = intAttr(node, 'batch_dims', 0);
      const depth = b1!.shape[b1!.shape.length - 1];
      return { shape: [...b1!.shape.slice(0, -1), ...a!.shape.slice(batchDims + depth)] };
    }
    case 'ArgMax': {
      const axis = axisOf(intAttr(node, 'axis', 0), a!.shape.length);
      const shape = [...a!.shape];
      if (intAttr(node, 'keepdims', 1)) shape[axis] = 1;
      else shape.splice(axis, 1);
      return { shape };
    }
    case 'MatMul': {
      const [m, k] = a!.shape.slice(-2);
      const [k2, n] = b1!.shape.slice(-2);
      if (k !== k2) throw new Error(`${node.name}: MatMul of [${a!.shape}] and [${b1!.shape}]`);
      return { shape: [...broadcast([a!.shape.slice(0, -2), b1!.shape.slice(0, -2)]), m, n] };
    }
    case 'Conv': {
      const [batch, , height, width] = a!.shape;
      const [outChannels, , kh, kw] = b1!.shape;
      const [s0, s1] = intsAttr(node, 'strides') ?? [1, 1];
      const [p0, p1, p2, p3] = intsAttr(node, 'pads') ?? [0, 0, 0, 0];
      const out = (size: number, k: number, s: number, lo: number, hi: number) => Math.floor((size + lo + hi - k) / s) + 1;
      return { shape: [batch, outChannels, out(height, kh, s0, p0, p2), out(width, kw, s1, p1, p3)] };
    }
    case 'Resize': {
      const scales = c?.values;
      if (!scales) throw new Error(`${node.name}: Resize needs constant scales`);
      return { shape: a!.shape.map((dim, i) => Math.floor(dim * scales[i])) };
    }
    default:
      throw new Error(`shape inference: op ${op} (${node.name}) is not covered`);
  }
}

/**
 * Every tensor's facts for the given input shapes (symbolic dims of the graph's inputs resolved by the caller).
 * Parameters stored externally still carry their dims, so a graph without weights is enough.
 */
export function inferShapes(model: onnxProto.onnx.IModelProto, inputShapes: Record<string, number[]>): Map<string, TensorFacts> {
  const graph = model.graph!;
  const facts = new Map<string, TensorFacts>();
  for (const tensor of graph.initializer ?? []) facts.set(tensor.name!, initializerFacts(tensor));
  for (const input of graph.input ?? []) {
    const shape = inputShapes[input.name!];
    if (!shape) throw new Error(`shape inference: no shape given for input "${input.name}"`);
    facts.set(input.name!, { shape });
  }
  for (const node of graph.node ?? []) {
    const inputs = node.input!.map((name) => (name === '' ? undefined : facts.get(name)));
    node.input!.forEach((name, i) => {
      if (name !== '' && !inputs[i]) throw new Error(`shape inference: ${node.name} reads unknown tensor ${name}`);
    });
    facts.set(node.output![0], inferNode(node, inputs));
  }
  return facts;
}
