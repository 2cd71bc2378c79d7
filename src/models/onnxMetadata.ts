// Reads an ONNX model's metadata (opsets, graph inputs/outputs, initializer types, external-data files) over
// random-access reads, without reading the weights: a small protobuf walker that seeks past every payload it does
// not need, so a multi-gigabyte model can be checked with a few HTTP Range requests before it is downloaded.

/** Random access to a file's bytes: a Uint8Array, a Blob/File (slice), or HTTP Range requests. */
export interface ByteRangeReader {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bytesReader(bytes: Uint8Array): ByteRangeReader {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

export function blobReader(blob: Blob): ByteRangeReader {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/** One graph input or output. `shape`: a number per static dim, the dim_param name per symbolic dim, '?' for a
 * dim with neither (onnxruntime reports -1 there); absent when the type carries no shape (unknown rank). */
export interface OnnxValueInfo {
  name: string;
  /** onnxruntime's element type name ('float32', 'float16', 'int64', ...), or 'non-tensor'. */
  type: string;
  shape?: Array<number | string>;
}

export interface OnnxMetadata {
  irVersion?: number;
  producerName?: string;
  opsets: Array<{ domain: string; version: number }>;
  /** Graph inputs that are not initializers (ir_version < 4 models list initializers among the inputs too). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Dense and sparse initializers. */
  initializerCount: number;
  /** Distinct `location` values of initializers whose data_location is EXTERNAL (e.g. 'model.onnx_data'). */
  externalDataFiles: string[];
  /** Element types of the initializers (e.g. ['float16'] for an fp16 export), distinct. */
  initializerTypes: string[];
  /** How many read() calls it took. */
  reads: number;
}

export type OnnxMetadataErrorCode = 'onnx_invalid' | 'onnx_read_budget';

export class OnnxMetadataError extends Error {
  readonly code: OnnxMetadataErrorCode;
  constructor(code: OnnxMetadataErrorCode, message: string) {
    super(message);
    this.name = 'OnnxMetadataError';
    this.code = code;
  }
}

const invalid = (message: string) => new OnnxMetadataError('onnx_invalid', message);

/** TensorProto.DataType → onnxruntime's tensor type names. */
const TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};
const typeName = (dataType: number) => TYPE_NAMES[dataType] ?? `type${dataType}`;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
/** TensorProto.DataLocation.EXTERNAL */
const EXTERNAL = 1;

const UTF8 = new TextDecoder();

/** Lazily read, cached window over the file: reads only where a field's header or a wanted value lies. */
class WindowedSource {
  reads = 0;
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly reader: ByteRangeReader,
    private readonly windowBytes: number,
    private readonly maxReads: number,
  ) {}

  get size() {
    return this.reader.size;
  }

  /** The window holding bytes [offset, offset + length), and where offset sits in it. */
  async view(offset: number, length: number): Promise<{ bytes: Uint8Array; at: number }> {
    const at = offset - this.windowStart;
    if (at >= 0 && at + length <= this.window.length) return { bytes: this.window, at };
    if (this.reads >= this.maxReads) {
      throw new OnnxMetadataError(
        'onnx_read_budget',
        `reading the ONNX metadata needs more than ${this.maxReads} reads: ` +
          `${this.reads} reads reached byte ${offset} of ${this.size}`,
      );
    }
    const want = Math.min(Math.max(length, this.windowBytes), this.size - offset);
    this.reads++;
    const bytes = await this.reader.read(offset, want);
    if (bytes.length !== want) throw invalid(`read of ${want} bytes at byte ${offset} returned ${bytes.length} bytes`);
    this.window = bytes;
    this.windowStart = offset;
    return { bytes, at: 0 };
  }

  async string(start: number, end: number): Promise<string> {
    const { bytes, at } = await this.view(start, end - start);
    return UTF8.decode(bytes.subarray(at, at + end - start));
  }

  /** A base-128 varint at `offset` that must end before `end`; returns its value and the offset after it. */
  async varint(offset: number, end: number, what: string): Promise<{ value: bigint; next: number }> {
    const available = Math.min(10, end - offset);
    if (available <= 0) throw invalid(`${what} at byte ${offset} is missing: its message ends at byte ${end}`);
    const { bytes, at } = await this.view(offset, available);
    let value = 0n;
    for (let i = 0; i < available; i++) {
      const byte = bytes[at + i];
      value |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if (byte < 0x80) return { value: BigInt.asUintN(64, value), next: offset + i + 1 };
    }
    if (available === 10) throw invalid(`${what} at byte ${offset} is a varint longer than 10 bytes`);
    throw invalid(`${what} at byte ${offset} is a truncated varint: its message ends at byte ${end}`);
  }
}

/** One protobuf field: a varint's value, or a length-delimited field's content range [start, end). */
interface Field {
  number: number;
  wireType: number;
  /** Byte offset of the field's tag, for error messages. */
  offset: number;
  value: bigint;
  start: number;
  end: number;
}

/** Calls `onField` for each field of the message in [start, end), in file order; skipped content is never read. */
async function walk(src: WindowedSource, start: number, end: number, onField: (field: Field) => Promise<void> | void) {
  let pos = start;
  while (pos < end) {
    const offset = pos;
    const tag = await src.varint(pos, end, 'field tag');
    const number = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (number === 0) throw invalid(`field number 0 at byte ${offset}`);
    pos = tag.next;
    let value = 0n;
    let contentStart = pos;
    if (wireType === VARINT) {
      ({ value, next: pos } = await src.varint(pos, end, `field ${number}`));
    } else if (wireType === LENGTH_DELIMITED) {
      const length = await src.varint(pos, end, `length of field ${number}`);
      if (length.value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw invalid(`field ${number} at byte ${offset} has an impossible length ${length.value}`);
      }
      contentStart = length.next;
      pos = contentStart + Number(length.value);
    } else if (wireType === FIXED64 || wireType === FIXED32) {
      pos += wireType === FIXED64 ? 8 : 4;
    } else {
      throw invalid(`field ${number} at byte ${offset} has wire type ${wireType}, which ONNX never uses`);
    }
    if (pos > end) {
      throw invalid(`field ${number} at byte ${offset} runs to byte ${pos}, past the end of its message at byte ${end}`);
    }
    await onField({ number, wireType, offset, value, start: contentStart, end: pos });
  }
}

function expectWireType(field: Field, wireType: number, what: string): void {
  if (field.wireType !== wireType) {
    const got = `wire type ${field.wireType}, expected ${wireType}`;
    throw invalid(`${what} (field ${field.number}) at byte ${field.offset} has ${got}`);
  }
}

/** An int32/int64 field's value (two's complement, as protobuf encodes negative int64). */
function intField(field: Field, what: string): number {
  expectWireType(field, VARINT, what);
  return Number(BigInt.asIntN(64, field.value));
}

function stringField(src: WindowedSource, field: Field, what: string): Promise<string> {
  expectWireType(field, LENGTH_DELIMITED, what);
  return src.string(field.start, field.end);
}

/** Walks an embedded message field. */
function walkMessage(src: WindowedSource, field: Field, what: string, onField: (field: Field) => Promise<void> | void) {
  expectWireType(field, LENGTH_DELIMITED, what);
  return walk(src, field.start, field.end, onField);
}

interface InitializerInfo {
  name: string;
  dataType: number;
  location?: string;
}

/** TensorProto's header fields only; raw_data (9) and the typed *_data arrays are skipped unread. */
async function readTensor(src: WindowedSource, tensorField: Field): Promise<InitializerInfo> {
  const tensor: InitializerInfo = { name: '', dataType: 0 };
  let dataLocation = 0;
  const external = new Map<string, string>();
  await walkMessage(src, tensorField, 'TensorProto', async (field) => {
    if (field.number === 2) tensor.dataType = intField(field, 'TensorProto.data_type');
    else if (field.number === 8) tensor.name = await stringField(src, field, 'TensorProto.name');
    else if (field.number === 14) dataLocation = intField(field, 'TensorProto.data_location');
    else if (field.number === 13) {
      const entry = { key: '', value: '' };
      await walkMessage(src, field, 'TensorProto.external_data', async (part) => {
        if (part.number === 1) entry.key = await stringField(src, part, 'StringStringEntryProto.key');
        else if (part.number === 2) entry.value = await stringField(src, part, 'StringStringEntryProto.value');
      });
      external.set(entry.key, entry.value);
    }
  });
  if (dataLocation === EXTERNAL) {
    tensor.location = external.get('location');
    if (!tensor.location) {
      throw invalid(`initializer '${tensor.name}' at byte ${tensorField.offset} has external data but no 'location'`);
    }
  }
  return tensor;
}

/** SparseTensorProto: its values (field 1) are a TensorProto that carries the initializer's name and type. */
async function readSparseTensor(src: WindowedSource, sparseField: Field): Promise<InitializerInfo> {
  let values: InitializerInfo | undefined;
  await walkMessage(src, sparseField, 'SparseTensorProto', async (field) => {
    if (field.number === 1) values = await readTensor(src, field);
  });
  if (!values) throw invalid(`sparse initializer at byte ${sparseField.offset} has no values tensor`);
  return values;
}

/** ValueInfoProto → name, and from TypeProto.tensor_type: elem_type and shape (TensorShapeProto.dim). */
async function readValueInfo(src: WindowedSource, valueInfoField: Field): Promise<OnnxValueInfo> {
  const info: OnnxValueInfo = { name: '', type: 'non-tensor' };
  const readDim = async (dimField: Field) => {
    let dim: number | string = '?';
    await walkMessage(src, dimField, 'TensorShapeProto.dim', async (field) => {
      if (field.number === 1) dim = intField(field, 'Dimension.dim_value');
      else if (field.number === 2) dim = await stringField(src, field, 'Dimension.dim_param');
    });
    info.shape!.push(dim);
  };
  const readTensorType = (tensorTypeField: Field) => {
    info.type = typeName(0); // a tensor whose elem_type is missing is UNDEFINED, not a non-tensor
    return walkMessage(src, tensorTypeField, 'TypeProto.tensor_type', async (field) => {
      if (field.number === 1) info.type = typeName(intField(field, 'TypeProto.Tensor.elem_type'));
      else if (field.number === 2) {
        info.shape ??= [];
        await walkMessage(src, field, 'TypeProto.Tensor.shape', (dim) => (dim.number === 1 ? readDim(dim) : undefined));
      }
    });
  };
  await walkMessage(src, valueInfoField, 'ValueInfoProto', async (field) => {
    if (field.number === 1) info.name = await stringField(src, field, 'ValueInfoProto.name');
    else if (field.number === 2) {
      // Only tensor_type (1) is read; sequence, map, optional and sparse tensor types stay 'non-tensor'.
      await walkMessage(src, field, 'ValueInfoProto.type', (type) => (type.number === 1 ? readTensorType(type) : undefined));
    }
  });
  return info;
}

/**
 * Reads the metadata of the ONNX model behind `reader`. Fields may come in any order; node bodies and tensor
 * payloads are seeked past, so the reads needed grow with the number of large initializers, not the file size.
 * @throws OnnxMetadataError 'onnx_invalid' for malformed protobuf, 'onnx_read_budget' past `maxReads` (default 512).
 */
export async function readOnnxMetadata(
  reader: ByteRangeReader,
  options: { maxReads?: number; windowBytes?: number } = {},
): Promise<OnnxMetadata> {
  const src = new WindowedSource(reader, options.windowBytes ?? 256 * 1024, options.maxReads ?? 512);
  const meta: OnnxMetadata = {
    opsets: [], inputs: [], outputs: [], initializerCount: 0, externalDataFiles: [], initializerTypes: [], reads: 0,
  };
  const initializers: InitializerInfo[] = [];
  let hasGraph = false;
  const readGraph = (graphField: Field) =>
    walkMessage(src, graphField, 'ModelProto.graph', async (field) => {
      if (field.number === 5) initializers.push(await readTensor(src, field));
      else if (field.number === 15) initializers.push(await readSparseTensor(src, field));
      else if (field.number === 11) meta.inputs.push(await readValueInfo(src, field));
      else if (field.number === 12) meta.outputs.push(await readValueInfo(src, field));
    });
  const readOpset = async (opsetField: Field) => {
    const opset = { domain: '', version: 0 };
    await walkMessage(src, opsetField, 'ModelProto.opset_import', async (field) => {
      if (field.number === 1) opset.domain = await stringField(src, field, 'OperatorSetIdProto.domain');
      else if (field.number === 2) opset.version = intField(field, 'OperatorSetIdProto.version');
    });
    meta.opsets.push(opset);
  };
  await walk(src, 0, reader.size, async (field) => {
    if (field.number === 1) meta.irVersion = intField(field, 'ModelProto.ir_version');
    else if (field.number === 2) meta.producerName = await stringField(src, field, 'ModelProto.producer_name');
    else if (field.number === 8) await readOpset(field);
    else if (field.number === 7) {
      hasGraph = true; // a message field that comes twice merges into one, as protobuf parsers read it
      await readGraph(field);
    }
  });
  if (!hasGraph) throw invalid(`no graph (ModelProto field 7) in ${reader.size} bytes`);
  // onnxruntime's session inputs leave out initializers; ir_version < 4 exports list every initializer as an input.
  const initializerNames = new Set(initializers.map((tensor) => tensor.name));
  meta.inputs = meta.inputs.filter((input) => !initializerNames.has(input.name));
  meta.initializerCount = initializers.length;
  meta.initializerTypes = [...new Set(initializers.map((tensor) => typeName(tensor.dataType)))];
  meta.externalDataFiles = [...new Set(initializers.flatMap((tensor) => (tensor.location ? [tensor.location] : [])))];
  meta.reads = src.reads;
  return meta;
}
