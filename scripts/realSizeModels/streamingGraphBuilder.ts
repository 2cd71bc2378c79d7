// An ONNX graph builder for real-size networks: parameters are generated one tensor at a time and handed to a
// WeightStore (streamed into `model.onnx_data`), so a 3.4 GB UNet never sits in memory; without a store the graph
// keeps only shapes, which is all the parameter and FLOP counts need. Same style as scripts/tinyModels/onnxBuilder.ts.
import onnxProto from 'onnx-proto';
import { dataType, encodeModel, floatAttr, GraphCore, valueInfo, type Dim, type ElementType, type FloatType } from '../tinyModels/onnxBuilder';
import { uniformWeights } from '../tinyModels/seededWeights';
import { toFloat16Array } from '../../src/engine/float32';

const { onnx } = onnxProto;
export { floatAttr, type Dim, type FloatType };

/** Names of inline constants (shapes, scalars, tables) start with this; every other float initializer is a parameter. */
export const CONSTANT_PREFIX = 'const.';

/** How a parameter's values are drawn: PyTorch's default uniform init (bound 1/sqrt(fan-in)), or a fill (norms). */
export type WeightInit = { uniform: number } | { fill: number };

/** Where parameters go: one tensor's bytes at a time, placed at the returned offset of the external-data file. */
export interface WeightStore {
  readonly location: string;
  append(bytes: Uint8Array): { offset: number; length: number };
}

/** Raw little-endian bytes of a typed array (every host Node and browsers run on is little-endian, as ONNX wants). */
export function bytesOf(data: Float32Array | Uint16Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Opset 17 / IR 8 (GraphCore's), as torch.onnx exported SD before opset 18 (GroupNorm as InstanceNormalization). */
export class StreamingGraphBuilder extends GraphCore {
  /**
   * @param computeType the element type of activations and parameters inside the graph (float16 = a real fp16 export)
   * @param store where parameter values go; without one, parameters are declared with their shapes only
   */
  constructor(readonly computeType: FloatType, private readonly store?: WeightStore) {
    super();
  }

  /** Declares graph output `name`, computed by an Identity of `tensor` (keeps node outputs' names free of renames). */
  output(name: string, type: ElementType, dims: readonly Dim[], tensor: string): void {
    this.claim(name);
    this.nodes.push({ opType: 'Identity', name: `Identity_${this.nodes.length}`, input: [tensor], output: [name] });
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** Casts `x` to the compute type when it is not already (graph boundaries, the float32 timestep embedding). */
  toCompute(x: string, from: FloatType): string {
    return from === this.computeType ? x : this.op('Cast', [x], { to: dataType(this.computeType) });
  }

  /**
   * A learned tensor named as in the diffusers / transformers state dict (e.g. 'down_blocks.0.resnets.0.conv1.weight').
   * Values come from a stream seeded by that name, so every file is byte-identical on every run.
   */
  parameter(name: string, dims: readonly number[], init: WeightInit): string {
    if (this.names.has(name)) throw new Error(`parameter ${name} is declared twice`);
    this.names.add(name);
    const tensor: onnxProto.onnx.ITensorProto = { name, dims: [...dims], dataType: dataType(this.computeType) };
    if (this.store) {
      const count = dims.reduce((a, b) => a * b, 1);
      const values = 'fill' in init ? new Float32Array(count).fill(init.fill) : uniformWeights(name, count, init.uniform);
      const bytes = this.computeType === 'float16' ? bytesOf(toFloat16Array(values)) : bytesOf(values);
      const { offset, length } = this.store.append(bytes);
      tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: this.store.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ];
    }
    this.initializers.push(tensor);
    return name;
  }

  /** An inline float table in the compute type (causal mask) or in float32 (`float32: true`: Resize scales, freqs). */
  floatTable(name: string, dims: readonly number[], values: Float32Array, { float32 = false } = {}): string {
    const type = float32 ? 'float32' : this.computeType;
    const rawData = type === 'float16' ? bytesOf(toFloat16Array(values)) : bytesOf(values);
    const unique = this.unique(`${CONSTANT_PREFIX}${name}`);
    this.initializers.push({ name: unique, dims: [...dims], dataType: dataType(type), rawData: rawData.slice() });
    return unique;
  }

  /** A scalar in the compute type, shared by every node that uses the same value. */
  scalar(value: number): string {
    return this.constants.get(`scalar:${value}`, () => this.floatTable('scalar', [], new Float32Array([value])));
  }

  /** An int64 vector (shapes, axes, slice bounds), shared by every node that uses the same values. */
  int64s(values: readonly number[]): string {
    return this.constants.get(`int64:${values}`, () => {
      const unique = this.unique(`${CONSTANT_PREFIX}int64`);
      const rawData = bytesOf(BigInt64Array.from(values, BigInt)).slice();
      this.initializers.push({ name: unique, dims: [values.length], dataType: dataType('int64'), rawData });
      return unique;
    });
  }

  /** A 1-D table in the compute type filled with `value` (InstanceNormalization's identity scale and shift). */
  filled(value: number, length: number): string {
    return this.constants.get(`filled:${value}:${length}`, () =>
      this.floatTable('filled', [length], new Float32Array(length).fill(value)),
    );
  }

  build(graphName: string, docString: string): onnxProto.onnx.ModelProto {
    return this.modelProto(graphName, docString, 'sd-studio real-size model generator');
  }
}

export { encodeModel };

export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
