// readOnnxMetadata against onnxruntime-node's session metadata on every tiny model variant, and on synthetic
// models built with onnx-proto: large payloads skipped unread, fields in any order, ir_version 3 inputs, errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { TINY_MODEL_VARIANTS } from '../../scripts/tinyModels/variants';
import { TEST_MODELS_DIR } from '../../test/testModelsDir';
import { blobReader, bytesReader, OnnxMetadataError, readOnnxMetadata, type ByteRangeReader } from './onnxMetadata';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;
const COMPONENTS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;
const MiB = 1024 * 1024;
const tinyModel = (variant: string, component: string) => readFileSync(join(TEST_MODELS_DIR, variant, component, 'model.onnx'));

/** A reader over `bytes` that logs every read, to prove payloads are skipped rather than read. */
function countingReader(bytes: Uint8Array) {
  const inner = bytesReader(bytes);
  const log = { reads: 0, bytes: 0 };
  const reader: ByteRangeReader = {
    size: inner.size,
    read(offset, length) {
      log.reads++;
      log.bytes += length;
      return inner.read(offset, length);
    },
  };
  return { reader, log };
}

function valueInfo(name: string, elemType: number, dims: Array<number | string | null>): onnxProto.onnx.IValueInfoProto {
  const dim = dims.map((d) => (d === null ? {} : typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

const encodeGraph = (graph: onnxProto.onnx.IGraphProto) => onnx.GraphProto.encode(graph).finish();
const encodeModel = (model: onnxProto.onnx.IModelProto) => onnx.ModelProto.encode(model).finish();

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 0x80)) bytes.push((value % 0x80) | 0x80);
  return [...bytes, value];
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, (at += part.length) - part.length);
  return out;
}

/** A length-delimited field, framed by hand so the test controls the field order protobufjs would sort. */
const lengthDelimited = (field: number, content: Uint8Array) => concat(varint((field << 3) | 2), varint(content.length), content);

/** `y = x + w`, with `w` an initializer of `weightBytes` bytes of raw data stored before the graph inputs. */
function largeWeightModel(weightBytes: number, initializers = 1): Uint8Array {
  const count = weightBytes / 4;
  const weights = Array.from({ length: initializers }, (_, i) => ({
    name: `w${i}`, dims: [count], dataType: DataType.FLOAT, rawData: new Uint8Array(weightBytes).fill(i + 1),
  }));
  const sum = (i: number) => (i === initializers - 1 ? 'y' : `y${i}`);
  const node = weights.map((w, i) => ({ opType: 'Add', input: [i === 0 ? 'x' : sum(i - 1), w.name], output: [sum(i)] }));
  const input = [valueInfo('x', DataType.FLOAT, [count])];
  const output = [valueInfo('y', DataType.FLOAT, [count])];
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'g', node, initializer: weights, input, output },
  });
}

async function expectError(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OnnxMetadataError);
  expect(error).toMatchObject({ code });
  expect((error as Error).message).toMatch(message);
}

/** onnxruntime's metadata in OnnxValueInfo's form (the project's TensorInfo form, see OrtModelSession). */
const describePorts = (ports: readonly ort.InferenceSession.ValueMetadata[]) =>
  ports.map((port) =>
    port.isTensor ? { name: port.name, type: port.type, shape: port.shape } : { name: port.name, type: 'non-tensor' },
  );

describe('readOnnxMetadata on the tiny model variants', () => {
  for (const variant of TINY_MODEL_VARIANTS) {
    for (const component of COMPONENTS) {
      const path = join(TEST_MODELS_DIR, variant.name, component, 'model.onnx');
      it(`${variant.name}/${component}: inputs and outputs match onnxruntime's session metadata`, async (ctx) => {
        if (!existsSync(path)) ctx.skip();
        const bytes = readFileSync(path);
        const meta = await readOnnxMetadata(bytesReader(bytes));
        const session = await ort.InferenceSession.create(path);
        try {
          expect(meta.inputs).toEqual(describePorts(session.inputMetadata));
          expect(meta.outputs).toEqual(describePorts(session.outputMetadata));
        } finally {
          await session.release();
        }
        expect(meta).toMatchObject({
          irVersion: 8,
          producerName: 'sd-studio tiny model generator',
          opsets: [{ domain: '', version: 17 }],
        });
        expect(meta.initializerCount).toBeGreaterThan(0);
        expect(meta.reads).toBe(1); // every tiny file fits in one 256 KiB window
        // A window far smaller than the fields' spacing exercises re-reads across window edges: same answer.
        const small = await readOnnxMetadata(bytesReader(bytes), { windowBytes: 64 });
        expect({ ...small, reads: 0 }).toEqual({ ...meta, reads: 0 });
        expect(small.reads).toBeGreaterThan(1);
      });
    }
  }

  it('reports the external-data file the unet of tiny-sd-external-data keeps its weights in', async () => {
    const folder = join(TEST_MODELS_DIR, 'tiny-sd-external-data', 'unet');
    const dataFiles = readdirSync(folder).filter((file) => file !== 'model.onnx' && file !== 'config.json');
    expect(dataFiles).toEqual(['model.onnx_data']);
    const meta = await readOnnxMetadata(bytesReader(readFileSync(join(folder, 'model.onnx'))));
    expect(meta.externalDataFiles).toEqual(dataFiles);
    const inline = await readOnnxMetadata(bytesReader(tinyModel('tiny-sd', 'unet')));
    expect(inline.externalDataFiles).toEqual([]);
    expect(meta.initializerCount).toBe(inline.initializerCount);
  });

  it('tiny-sd-fp16 has float16 inputs but keeps float32 weights (it casts at the graph boundary)', async () => {
    const meta = await readOnnxMetadata(bytesReader(tinyModel('tiny-sd-fp16', 'unet')));
    expect(meta.inputs.map((input) => input.type)).toEqual(['float16', 'float16', 'float16']);
    expect([...meta.initializerTypes].sort()).toEqual(['float32', 'int64']);
  });
});

describe('readOnnxMetadata on synthetic models', () => {
  it('seeks past an 8 MiB initializer stored before the inputs instead of reading it', async () => {
    const bytes = largeWeightModel(8 * MiB);
    const { reader, log } = countingReader(bytes);
    const meta = await readOnnxMetadata(reader, { windowBytes: 64 * 1024 });
    expect(meta.inputs).toEqual([{ name: 'x', type: 'float32', shape: [2 * MiB] }]);
    expect(meta.outputs).toEqual([{ name: 'y', type: 'float32', shape: [2 * MiB] }]);
    expect(meta).toMatchObject({ initializerCount: 1, initializerTypes: ['float32'], externalDataFiles: [] });
    expect(meta.reads).toBe(log.reads);
    expect(log.reads).toBeLessThanOrEqual(3);
    expect(log.bytes).toBeLessThan(bytes.length / 32);
    const session = await ort.InferenceSession.create(bytes);
    expect(meta.inputs).toEqual(describePorts(session.inputMetadata));
    await session.release();
  });

  it('costs about one read per large inline initializer', async () => {
    const { reader, log } = countingReader(largeWeightModel(1 * MiB, 12));
    const meta = await readOnnxMetadata(reader, { windowBytes: 64 * 1024 });
    expect(meta.initializerCount).toBe(12);
    expect(log.reads).toBeLessThanOrEqual(12 + 2);
  });

  it('reads fields in any order: graph before ir_version, inputs before and between initializers', async () => {
    const externalWeight = {
      name: 'w',
      dataType: DataType.FLOAT16,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [{ key: 'offset', value: '0' }, { key: 'location', value: 'weights.pb' }],
    };
    const sequenceInput = { name: 'seq', type: { sequenceType: { elemType: { tensorType: { elemType: DataType.FLOAT } } } } };
    // Concatenated encodings of one message merge into one message: that is how the fields get out of order.
    const graph = concat(
      encodeGraph({ input: [valueInfo('a', DataType.FLOAT16, ['batch', null, 3])] }),
      encodeGraph({ initializer: [externalWeight], output: [valueInfo('out', DataType.BFLOAT16, [])] }),
      encodeGraph({ input: [sequenceInput] }),
      encodeGraph({ initializer: [{ name: 'v', dataType: DataType.COMPLEX64, rawData: new Uint8Array(16) }] }),
    );
    const opsetImport = [{ domain: 'com.microsoft', version: 1 }, { domain: '', version: 21 }];
    const header = encodeModel({ irVersion: 9, producerName: 'shuffled', opsetImport });
    const meta = await readOnnxMetadata(bytesReader(concat(lengthDelimited(7, graph), header)));
    expect(meta).toEqual({
      irVersion: 9,
      producerName: 'shuffled',
      opsets: [{ domain: 'com.microsoft', version: 1 }, { domain: '', version: 21 }],
      inputs: [{ name: 'a', type: 'float16', shape: ['batch', '?', 3] }, { name: 'seq', type: 'non-tensor' }],
      outputs: [{ name: 'out', type: 'bfloat16', shape: [] }],
      initializerCount: 2,
      externalDataFiles: ['weights.pb'],
      initializerTypes: ['float16', 'type14'],
      reads: 1,
    });
  });

  it('leaves out the initializers an ir_version 3 model also lists among its inputs, dense and sparse', async () => {
    const bytes = encodeModel({
      irVersion: 3,
      opsetImport: [{ domain: '', version: 7 }],
      graph: {
        name: 'g',
        node: [{ opType: 'Add', input: ['x', 'w'], output: ['y'] }],
        initializer: [{ name: 'w', dims: [2], dataType: DataType.FLOAT, floatData: [1, 2] }],
        sparseInitializer: [
          {
            values: { name: 's', dims: [1], dataType: DataType.INT64, int64Data: [5] },
            indices: { name: 's_i', dims: [1], dataType: DataType.INT64, int64Data: [0] },
            dims: [4],
          },
        ],
        input: [valueInfo('x', DataType.FLOAT, [2]), valueInfo('w', DataType.FLOAT, [2]), valueInfo('s', DataType.INT64, [4])],
        output: [valueInfo('y', DataType.FLOAT, [2])],
      },
    });
    const meta = await readOnnxMetadata(bytesReader(bytes));
    expect(meta.inputs).toEqual([{ name: 'x', type: 'float32', shape: [2] }]);
    expect(meta).toMatchObject({ irVersion: 3, initializerCount: 2, initializerTypes: ['float32', 'int64'] });
  });

  it('gives the same answer through a Blob as through bytes', async () => {
    const bytes = tinyModel('tiny-sd', 'text_encoder');
    const options = { windowBytes: 4096 };
    const fromBlob = await readOnnxMetadata(blobReader(new Blob([bytes])), options);
    expect(fromBlob).toEqual(await readOnnxMetadata(bytesReader(bytes), options));
    expect(fromBlob.inputs.map((input) => input.name)).toEqual(['input_ids']);
  });

  it('stops with onnx_read_budget when more reads are needed than allowed', async () => {
    const bytes = largeWeightModel(1 * MiB, 4);
    const limited = readOnnxMetadata(bytesReader(bytes), { windowBytes: 64 * 1024, maxReads: 2 });
    await expectError(limited, 'onnx_read_budget', /more than 2 reads: 2 reads reached byte \d+/);
    const meta = await readOnnxMetadata(bytesReader(bytes), { windowBytes: 64 * 1024 });
    expect(meta.reads).toBeGreaterThan(2);
  });

  it('rejects malformed files with onnx_invalid, naming the problem and the byte offset', async () => {
    const model = tinyModel('tiny-sd', 'unet');
    const read = (bytes: ArrayLike<number>) => readOnnxMetadata(bytesReader(Uint8Array.from(bytes)));
    const pastTheEnd = /field 7 at byte \d+ runs to byte \d+, past the end of its message at byte \d+/;
    await expectError(read(model.subarray(0, model.length - 100)), 'onnx_invalid', pastTheEnd);
    await expectError(read([0x08, 0xff]), 'onnx_invalid', /field 1 at byte 1 is a truncated varint/);
    await expectError(read([0x08, ...new Array(10).fill(0xff), 0x01]), 'onnx_invalid', /longer than 10 bytes/);
    await expectError(read([0x38, 0x01]), 'onnx_invalid', /ModelProto.graph \(field 7\) at byte 0 has wire type 0, expected 2/);
    await expectError(read([0x3a, 0x10, 0x00]), 'onnx_invalid', /past the end/);
    await expectError(read([0x3b, 0x00]), 'onnx_invalid', /wire type 3/);
    await expectError(read([]), 'onnx_invalid', /no graph/);
    await expectError(read(concat([0x3a], varint(2 ** 60))), 'onnx_invalid', /impossible length/);
    const { EXTERNAL } = onnx.TensorProto.DataLocation;
    const noLocation = encodeModel({ graph: { initializer: [{ name: 'w', dataType: DataType.FLOAT, dataLocation: EXTERNAL }] } });
    await expectError(read(noLocation), 'onnx_invalid', /'w' .* no 'location'/);
  });
});
