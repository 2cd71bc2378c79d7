// Deterministic weights for the tiny models: each tensor gets its own PRNG stream seeded from its name, so the
// files are byte-identical on every run and adding a weight never changes the others.

/** FNV-1a, 32-bit: a stable seed from a tensor's name. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: a small 32-bit generator with a full 2^32 period, ample for a few thousand weights. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` values uniform in [-bound, bound), drawn from the stream named `name`. */
export function uniformWeights(name: string, count: number, bound: number): Float32Array {
  const next = mulberry32(hashName(name));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * next() - 1) * bound;
  return out;
}

/** A dense layer's weight with PyTorch's default init bound, 1/sqrt(fanIn), times `gain`. */
export function denseWeights(name: string, fanIn: number, fanOut: number, gain = 1): Float32Array {
  return uniformWeights(name, fanIn * fanOut, gain / Math.sqrt(fanIn));
}
