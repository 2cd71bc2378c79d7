// Helpers for the tiny model tests: open a generated variant's graphs in onnxruntime-node, build feeds in the
// element types and shapes a variant declares (float16 as raw bits), read float outputs back, and compare arrays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { TEST_MODELS_DIR } from '../../test/testModelsDir';
import { fromFloat16Array, toFloat16Array } from '../../src/engine/float32';
import type { TinyModelVariant } from './variants';

export const MODELS_DIR = TEST_MODELS_DIR;
export const CLIP_FIXTURES = fileURLToPath(new URL('../../test/fixtures/clip/', import.meta.url));
export type Component = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder';

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** The variant's graph, created once per test file. */
export function openSession(variant: string, component: Component): Promise<ort.InferenceSession> {
  const path = join(MODELS_DIR, variant, component, 'model.onnx');
  let session = sessions.get(path);
  if (!session) {
    session = ort.InferenceSession.create(path);
    sessions.set(path, session);
  }
  return session;
}

/** Runs one graph of a variant. */
export async function runGraph(variant: string, component: Component, feeds: Record<string, ort.Tensor>) {
  return (await openSession(variant, component)).run(feeds);
}

/** Name, element type and shape of each input or output, as the session metadata reports them. */
export function describePorts(ports: readonly ort.InferenceSession.ValueMetadata[]): [string, string, unknown][] {
  return ports.map((port) => [port.name, port.isTensor ? port.type : 'non-tensor', port.isTensor ? port.shape : null]);
}

/** A float feed in the variant's boundary type (float16 feeds carry binary16 bits). */
export function floatTensor(variant: TinyModelVariant, values: Float32Array, dims: readonly number[]): ort.Tensor {
  if (variant.floatType === 'float16') return new ort.Tensor('float16', toFloat16Array(values), dims);
  return new ort.Tensor('float32', values, dims);
}

export function readFloats(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') {
    const view = tensor.data as unknown as ArrayBufferView;
    return fromFloat16Array(new Uint16Array(view.buffer, view.byteOffset, view.byteLength / 2));
  }
  throw new Error(`expected a float output, got ${tensor.type}`);
}

/**
 * The UNet's timestep feed: one value per batch element for `[batch]` inputs; `[1]` and scalar inputs take one
 * value (the first) for the whole batch, as pipelines feed them.
 */
export function timestepTensor(variant: TinyModelVariant, values: readonly number[]): ort.Tensor {
  const shared = variant.timestepShape !== 'batch';
  const chosen = shared ? values.slice(0, 1) : values;
  const dims = variant.timestepShape === 'scalar' ? [] : [chosen.length];
  if (variant.timestepType === 'int64') {
    return new ort.Tensor('int64', BigInt64Array.from(chosen, (t) => BigInt(Math.round(t))), dims);
  }
  if (variant.timestepType === 'float16') return new ort.Tensor('float16', toFloat16Array(chosen), dims);
  return new ort.Tensor('float32', Float32Array.from(chosen), dims);
}

export function idsTensor(variant: TinyModelVariant, rows: readonly number[][]): ort.Tensor {
  const flat = rows.flat();
  const dims = [rows.length, rows[0].length];
  return variant.inputIdsType === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(flat, BigInt), dims)
    : new ort.Tensor('int32', Int32Array.from(flat), dims);
}

const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;
let vocabulary: Record<string, number> | null = null;

/**
 * CLIP ids of a prompt of plain lowercase words (each word one token, as they are in CLIP's vocabulary), padded
 * to 77 with `padId` (49407 for SD 1.x, 0 for SD 2.x).
 */
export function promptIds(prompt: string, padId = END_OF_TEXT): number[] {
  vocabulary ??= JSON.parse(readFileSync(join(CLIP_FIXTURES, 'vocab.json'), 'utf8')) as Record<string, number>;
  const words = prompt.split(' ').filter(Boolean).map((word) => {
    const id = vocabulary![`${word}</w>`];
    if (id === undefined) throw new Error(`"${word}" is not one token in CLIP's vocabulary`);
    return id;
  });
  const ids = [START_OF_TEXT, ...words, END_OF_TEXT];
  while (ids.length < 77) ids.push(padId);
  return ids;
}

/** SD 1.5's ᾱ_t (scaled-linear betas, 0.00085 to 0.012) in float64, independent of the generator's float32 table. */
export const ALPHAS_CUMPROD: readonly number[] = (() => {
  const out: number[] = [];
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    const beta = (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * t) / 999) ** 2;
    product *= 1 - beta;
    out.push(product);
  }
  return out;
})();

/** Standard normal values from a seeded generator (Box–Muller over mulberry32). */
export function gaussian(seed: number, count: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = scale * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** Pearson correlation. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i] / n;
    meanB += b[i] / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - meanA) * (b[i] - meanB);
    aa += (a[i] - meanA) ** 2;
    bb += (b[i] - meanB) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Elements [start, start + count) of a batch: `count` values per batch element. */
export function batchItem(values: Float32Array, index: number, count: number): Float32Array {
  return values.subarray(index * count, (index + 1) * count);
}
