// A small ONNX graph builder over the onnx-proto classes: typed graph inputs/outputs with symbolic dims, nodes,
// initializers stored as raw little-endian bytes, and the move of large initializers into an external-data file,
// so the tiny model files read like the networks they describe.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type DataType = onnxProto.onnx.TensorProto.DataType;

const OPSET = 17;
/** IR version 8 goes with opset 17 (onnx's versioning table; onnx 1.12–1.13 wrote it). */
const IR_VERSION = 8;

export type ElementType = 'float32' | 'float16' | 'int32' | 'int64';
export type FloatType = 'float32' | 'float16';
/** A static size, or a symbolic name such as 'batch' for a dynamic one. */
export type Dim = number | string;

const DATA_TYPES: Record<ElementType, DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/** The ONNX `to` value of a Cast node. */
export function dataType(type: ElementType): number {
  return DATA_TYPES[type];
}

/** Marks a float attribute: plain numbers are integer attributes (axis, kernel sizes), which most attributes are. */
export interface FloatAttribute {
  float: number;
}
export const floatAttr = (value: number): FloatAttribute => ({ float: value });
export type AttributeValue = number | readonly number[] | string | FloatAttribute;

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; use floatAttr()`);
    return { name, type: AttributeType.INT, i: value };
  }
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INTS, ints: [...value] };
}

export function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: DATA_TYPES[type], shape: { dim } } } };
}

function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  // Typed arrays use the host byte order; every platform Node and browsers run on is little-endian, as ONNX wants.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** A graph's constants by content: the first request makes the initializer, later ones reuse its name. */
export class ConstantCache {
  private readonly names = new Map<string, string>();

  get(key: string, make: () => string): string {
    let name = this.names.get(key);
    if (!name) {
      name = make();
      this.names.set(key, name);
    }
    return name;
  }
}

/**
 * What both graph builders (this one and scripts/realSizeModels/streamingGraphBuilder.ts) share: the node,
 * initializer and value lists, unique tensor names, graph inputs, nodes, and the model record around them.
 */
export class GraphCore {
  protected readonly nodes: onnxProto.onnx.INodeProto[] = [];
  protected readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  protected readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  protected readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  protected readonly names = new Set<string>();
  protected readonly constants = new ConstantCache();

  protected claim(name: string): void {
    if (this.names.has(name)) throw new Error(`${name} is already used in the graph`);
    this.names.add(name);
  }

  /** A name not used yet in the graph: `base`, else `base_1`, `base_2`, ... */
  protected unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds one node and returns the name of its (single) output. */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, name?: string): string {
    const output = this.unique(name ?? opType.toLowerCase());
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  protected modelProto(graphName: string, docString: string, producerName: string, nodes = this.nodes): onnxProto.onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName,
      producerVersion: '1',
      docString,
      graph: { name: graphName, node: nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }
}

export class GraphBuilder extends GraphCore {
  /** Graph outputs declared on intermediate tensors: tensor name → output name. */
  private readonly renames = new Map<string, string>();

  /** A float graph input, cast to float32 inside the graph when the export's boundary type is float16. */
  floatInput(name: string, type: FloatType, dims: readonly Dim[]): string {
    this.input(name, type, dims);
    return type === 'float32' ? name : this.op('Cast', [name], { to: dataType('float32') });
  }

  /** Declares `tensor` (computed in float32) as the graph output `name`, cast to float16 when `type` says so. */
  floatOutput(name: string, type: FloatType, dims: readonly Dim[], tensor: string): void {
    const source = type === 'float32' ? tensor : this.op('Cast', [tensor], { to: dataType('float16') });
    this.output(name, type, dims, source);
  }

  /** Declares `tensor` as the graph output `name`; the tensor takes that name when the graph is built. */
  output(name: string, type: ElementType, dims: readonly Dim[], tensor: string): void {
    if (tensor !== name) {
      if (this.renames.has(tensor)) throw new Error(`tensor ${tensor} is already output ${this.renames.get(tensor)}`);
      this.claim(name);
      this.renames.set(tensor, name);
    }
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A weight or table; `name` says what it is (e.g. 'unet.cross_attention.to_q'). */
  tensor(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`${name}: dims [${dims}] hold ${count} values, got ${data.length}`);
    const type = data instanceof Float32Array ? 'float32' : 'int64';
    const unique = this.unique(name);
    const rawData = littleEndianBytes(data);
    this.initializers.push({ name: unique, dims: [...dims], dataType: DATA_TYPES[type], rawData });
    return unique;
  }

  /** A float32 scalar constant, shared between the nodes that use the same value. */
  floatConstant(value: number): string {
    return this.constants.get(`float:${value}`, () => this.tensor('const_f', [], new Float32Array([value])));
  }

  /** An int64 constant vector (shapes, axes, slice bounds), or a scalar when `scalar` is set. */
  int64Constant(values: readonly number[], scalar = false): string {
    return this.constants.get(`int64:${values}:${scalar}`, () =>
      this.tensor('const_i', scalar ? [] : [values.length], BigInt64Array.from(values, BigInt)),
    );
  }

  build(graphName: string, docString: string): onnxProto.onnx.ModelProto {
    const rename = (tensor: string) => this.renames.get(tensor) ?? tensor;
    const nodes = this.nodes.map((node) => ({ ...node, input: node.input!.map(rename), output: node.output!.map(rename) }));
    return this.modelProto(graphName, docString, 'sd-studio tiny model generator', nodes);
  }
}

export function encodeModel(model: onnxProto.onnx.ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Moves every initializer of at least `threshold` bytes into one external-data file, as onnx's
 * `convert_model_to_external_data` does (default threshold 1024 bytes), with each tensor starting on a 4096-byte
 * boundary so it can be memory-mapped. Returns the data file's bytes; the model now refers to it by `location`.
 */
export function moveToExternalData(model: onnxProto.onnx.ModelProto, location: string, threshold = 1024): Uint8Array {
  const alignment = 4096;
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let end = 0;
  for (const tensor of model.graph!.initializer!) {
    const bytes = tensor.rawData;
    if (!bytes || bytes.length < threshold) continue;
    const offset = Math.ceil(end / alignment) * alignment;
    chunks.push({ offset, bytes });
    end = offset + bytes.length;
    tensor.rawData = new Uint8Array(0);
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.length) },
    ];
  }
  const file = new Uint8Array(end);
  for (const { offset, bytes } of chunks) file.set(bytes, offset);
  return file;
}
