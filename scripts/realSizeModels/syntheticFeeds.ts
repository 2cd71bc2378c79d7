// Inputs for one evaluation of a real-size graph, shaped from the session's own input metadata (element type, static
// channel and width dims) and the evaluation size: seeded noise for latents and text states, a prompt-like id row,
// timestep 999. Runtime-neutral (plain typed arrays), so Node, the WASM page and the WebGPU page feed the same data.
import { toFloat16Array } from '../../src/engine/float32';
import type { ComponentName, EvaluationSize } from './realSizeComponents';

export interface InputMetadata {
  name: string;
  type: string;
  shape?: readonly (number | string)[];
}

export interface FeedData {
  type: 'float32' | 'float16' | 'int32' | 'int64';
  data: Float32Array | Uint16Array | Int32Array | BigInt64Array;
  dims: number[];
}

/** A standard-normal-ish draw (sum of 4 uniforms, rescaled) from a 32-bit LCG: deterministic and cheap. */
function noise(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let j = 0; j < 4; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      sum += state / 4294967296;
    }
    out[i] = (sum - 2) * Math.sqrt(3);
  }
  return out;
}

function floatFeed(type: string, values: Float32Array, dims: number[]): FeedData {
  if (type === 'float16') return { type: 'float16', data: toFloat16Array(values), dims };
  if (type === 'float32') return { type: 'float32', data: values, dims };
  throw new Error(`expected a float input, the graph declares ${type}`);
}

function staticDim(input: InputMetadata, axis: number): number {
  const dim = input.shape?.[axis];
  if (typeof dim !== 'number') throw new Error(`input ${input.name}: axis ${axis} is not static ([${input.shape}])`);
  return dim;
}

/** CLIP-like ids: start token, a few words, end token, then padding with the end token. */
function promptIds(batch: number, tokens: number): Int32Array {
  const ids = new Int32Array(batch * tokens).fill(49407);
  for (let row = 0; row < batch; row++) {
    ids[row * tokens] = 49406;
    for (let i = 1; i < 8; i++) ids[row * tokens + i] = 320 + 37 * i + row;
  }
  return ids;
}

export function syntheticFeeds(component: ComponentName, size: EvaluationSize, inputs: readonly InputMetadata[]): Record<string, FeedData> {
  const { batch, latentSize: h, tokens } = size;
  const feeds: Record<string, FeedData> = {};
  for (const input of inputs) {
    const dims = (rest: number[]) => [batch, ...rest];
    if (input.name === 'input_ids') {
      const ids = promptIds(batch, tokens);
      feeds[input.name] = input.type === 'int64'
        ? { type: 'int64', data: BigInt64Array.from(ids, BigInt), dims: [batch, tokens] }
        : { type: 'int32', data: ids, dims: [batch, tokens] };
    } else if (input.name === 'sample' || input.name === 'latent_sample') {
      const channels = staticDim(input, 1);
      feeds[input.name] = floatFeed(input.type, noise(batch * channels * h * h, 1), dims([channels, h, h]));
    } else if (input.name === 'encoder_hidden_states') {
      const width = staticDim(input, 2);
      feeds[input.name] = floatFeed(input.type, noise(batch * tokens * width, 2), dims([tokens, width]));
    } else if (input.name === 'timestep') {
      const count = input.shape?.length === 0 ? 0 : input.shape?.[0] === 1 ? 1 : batch;
      const shape = count === 0 ? [] : [count];
      const values = new Float32Array(Math.max(count, 1)).fill(999);
      feeds[input.name] = input.type === 'int64'
        ? { type: 'int64', data: BigInt64Array.from(values, (v) => BigInt(v)), dims: shape }
        : floatFeed(input.type, values, shape);
    } else {
      throw new Error(`${component}: no synthetic value for input ${input.name}`);
    }
  }
  return feeds;
}
