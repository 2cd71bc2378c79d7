// TorchCpuGenerator against real PyTorch 1.13 CPU outputs: every randn/rand entry and sequence bit for bit,
// plus the number of engine words each call consumed and whether a cached normal was left behind.
import { describe, expect, it } from 'vitest';
import { f32, loadReference } from '../../../test/referenceData';
import { Mt19937 } from './Mt19937';
import { TorchCpuGenerator } from './TorchCpuGenerator';

interface CpuCall {
  op?: 'randn' | 'rand';
  seed?: number;
  shape: number[];
  dtype: string;
  u32_consumed: number;
  cached_normal_pending_after?: boolean;
  values: number[];
}

interface CpuReference {
  randn: CpuCall[];
  rand: CpuCall[];
  sequences: { name: string; seed: number; calls: CpuCall[] }[];
}

const reference = loadReference<CpuReference>('rng/cpu_mt19937.json');
// This copy holds float32 entries only; the float64/fp16/bf16 sections are not implemented and not present.
const float32 = (call: CpuCall) => call.dtype === 'float32';

/** Bit patterns, so that -0 and +0 (and every last bit) must match. */
function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

function expectBitExact(actual: Float32Array, expectedDecimals: number[], label: string): void {
  expect(actual.length, label).toBe(expectedDecimals.length);
  const actualBits = bits(actual);
  const expectedBits = bits(f32(expectedDecimals));
  const mismatches: number[] = [];
  for (let i = 0; i < actualBits.length; i++) if (actualBits[i] !== expectedBits[i]) mismatches.push(i);
  expect(mismatches, label).toEqual([]);
}

function run(generator: TorchCpuGenerator, call: CpuCall): Float32Array {
  return call.op === 'rand' ? generator.rand(call.shape) : generator.randn(call.shape);
}

/**
 * Checks how many words the calls so far consumed and whether a cached normal is pending: a [1] randn then
 * uses no word if one is cached and four otherwise, so the next rand() must come from word `consumed` or
 * `consumed + 4` of the raw engine stream.
 */
function expectStreamPosition(generator: TorchCpuGenerator, seed: number, consumed: number, pending: boolean, label: string) {
  generator.randn([1]);
  const probe = generator.rand([1])[0];
  const engine = new Mt19937(seed);
  const skip = consumed + (pending ? 0 : 4);
  for (let i = 0; i < skip; i++) engine.nextUint32();
  expect(probe, label).toBe((engine.nextUint32() & 0xffffff) * 2 ** -24);
}

describe('TorchCpuGenerator', () => {
  it('reproduces every recorded fresh-generator randn bit for bit, with its word count and cache state', () => {
    const entries = reference.randn.filter(float32);
    expect(entries.length).toBe(reference.randn.length);
    for (const entry of entries) {
      const label = `seed ${entry.seed} shape [${entry.shape}]`;
      const generator = new TorchCpuGenerator(BigInt(entry.seed!));
      expectBitExact(generator.randn(entry.shape), entry.values, label);
      expectStreamPosition(generator, entry.seed!, entry.u32_consumed, entry.cached_normal_pending_after!, label);
    }
  });

  it('reproduces every recorded rand bit for bit, one word per element', () => {
    for (const entry of reference.rand.filter(float32)) {
      const label = `rand seed ${entry.seed} shape [${entry.shape}]`;
      const generator = new TorchCpuGenerator(BigInt(entry.seed!));
      expectBitExact(generator.rand(entry.shape), entry.values, label);
      expectStreamPosition(generator, entry.seed!, entry.u32_consumed, false, label);
    }
  });

  it('continues the stream across calls as every recorded sequence does (two-draw, cached normal)', () => {
    expect(reference.sequences.map((s) => s.name)).toEqual(expect.arrayContaining(['scalar_path_cache']));
    for (const sequence of reference.sequences) {
      const generator = new TorchCpuGenerator(sequence.seed);
      sequence.calls.forEach((call, index) => {
        expect(float32(call)).toBe(true);
        expectBitExact(run(generator, call), call.values, `${sequence.name} call ${index}`);
      });
      // Replay each prefix on a fresh generator to check the position and cache after every call.
      let consumed = 0;
      sequence.calls.forEach((call, index) => {
        consumed += call.u32_consumed;
        const replay = new TorchCpuGenerator(sequence.seed);
        for (const earlier of sequence.calls.slice(0, index + 1)) run(replay, earlier);
        const label = `${sequence.name} after call ${index}`;
        expectStreamPosition(replay, sequence.seed, consumed, call.cached_normal_pending_after ?? false, label);
      });
    }
  });

  it('treats seeds equal mod 2^32 alike: 7 gives the recorded stream of 2^32 + 7', () => {
    for (const entry of reference.randn.filter((e) => e.seed === 2 ** 32 + 7)) {
      expectBitExact(new TorchCpuGenerator(7).randn(entry.shape), entry.values, `seed 7 shape [${entry.shape}]`);
    }
  });

  it('depends only on the element count', () => {
    const entry = reference.randn.find((e) => e.seed === 42 && e.shape.join() === '1,4,8,8')!;
    expectBitExact(new TorchCpuGenerator(42).randn([256]), entry.values, 'flat [256]');
    expect(new TorchCpuGenerator(0).randn([0, 4])).toEqual(new Float32Array(0));
  });

  it('rejects malformed shapes', () => {
    const generator = new TorchCpuGenerator(0);
    expect(() => generator.randn([1, -4])).toThrow(/shape/);
    expect(() => generator.rand([1.5])).toThrow(/shape/);
  });
});
