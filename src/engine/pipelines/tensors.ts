// Tensor plumbing between the engine's float32 arrays and a graph's declared element types (float16 graphs take
// raw binary16 bits), plus reading outputs back with the NaN/Inf check every UNet and VAE output gets.
import { assertFinite } from '../image';
import { fromFloat16Array, toFloat16Array } from '../float32';
import type { FloatType } from '../modelContract';
import type { HostTensor, SessionTensor } from '../runtime';

export function floatTensor(values: Float32Array, type: FloatType, dims: readonly number[]): HostTensor {
  return type === 'float16' ? { type, dims, data: toFloat16Array(values) } : { type, dims, data: values };
}

/**
 * Reads an output as float32, converting float16, and rejects NaN/Inf naming the output — unless `checkFinite` is
 * false, for a caller that checks elsewhere (the UNet loop checks every few steps; the VAE while post-processing).
 */
export async function readFloat32(tensor: SessionTensor, what: string, checkFinite = true): Promise<Float32Array> {
  const data = await tensor.read();
  let values: Float32Array;
  if (data instanceof Float32Array) values = data;
  else if (tensor.type === 'float16' && data instanceof Uint16Array) values = fromFloat16Array(data);
  else throw new TypeError(`${what}: expected a float32 or float16 output, got ${tensor.type}`);
  if (checkFinite) assertFinite(values, what);
  return values;
}

/** Splits `count` images into runs of at most `maxBatch` (a graph with a static batch of 1 gets one at a time). */
export function batchRanges(count: number, maxBatch: number): Array<{ start: number; size: number }> {
  const size = Math.max(1, Math.min(count, maxBatch));
  const ranges = [];
  for (let start = 0; start < count; start += size) ranges.push({ start, size: Math.min(size, count - start) });
  return ranges;
}
