// Philox4x32-10 against Random123's known answers and A1111's recorded words, and PhiloxCudaGenerator against
// every recorded rng_philox.py output (fresh generators, successive calls, the module's own docstring call).
import { describe, expect, it } from 'vitest';
import { f32, loadReference } from '../../../test/referenceData';
import { PhiloxCudaGenerator } from './PhiloxCudaGenerator';
import { philox4x32x10 } from './philox4x32x10';
import { seedWords } from './randomArguments';

interface PhiloxReference {
  philox_key: Record<string, [number, number]>;
  randn: {
    seed: number;
    shape: number[];
    values: number[];
    philox_words?: { x: number[]; y: number[]; z: number[]; w: number[] };
  }[];
  sequences: { seed: number; calls: { shape: number[]; offset: number; values: number[] }[] }[];
  docstring_example: { actual_output_here: number[] };
}

const reference = loadReference<PhiloxReference>('rng/cuda_philox_a1111.json');

function expectBitExact(actual: Float32Array, expectedDecimals: number[], label: string): void {
  expect(actual.length, label).toBe(expectedDecimals.length);
  const expected = f32(expectedDecimals);
  const actualBits = new Uint32Array(actual.buffer);
  const expectedBits = new Uint32Array(expected.buffer);
  const mismatches: number[] = [];
  for (let i = 0; i < actual.length; i++) if (actualBits[i] !== expectedBits[i]) mismatches.push(i);
  expect(mismatches, label).toEqual([]);
}

describe('philox4x32x10', () => {
  it('passes the Random123 known-answer vectors (tests/kat_vectors, philox4x32 10)', () => {
    const cases: [number[], number[], number[]][] = [
      [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
      [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
      [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
    ];
    const out = new Uint32Array(4);
    for (const [[c0, c1, c2, c3], [k0, k1], expected] of cases) {
      philox4x32x10(c0, c1, c2, c3, k0, k1, out);
      expect(Array.from(out)).toEqual(expected);
    }
  });

  it('reproduces the recorded words for counter (0, 0, i, 0) under each seed key', () => {
    const withWords = reference.randn.filter((entry) => entry.philox_words);
    expect(withWords.length).toBeGreaterThan(0);
    const out = new Uint32Array(4);
    for (const entry of withWords) {
      const [k0, k1] = reference.philox_key[String(entry.seed)];
      const { x, y, z, w } = entry.philox_words!;
      const words: number[][] = [[], [], [], []];
      for (let i = 0; i < x.length; i++) {
        philox4x32x10(0, 0, i, 0, k0, k1, out);
        for (let lane = 0; lane < 4; lane++) words[lane].push(out[lane]);
      }
      expect(words, `seed ${entry.seed}`).toEqual([x, y, z, w]);
    }
  });
});

describe('PhiloxCudaGenerator', () => {
  it('keys Philox with all 64 seed bits (2^32 + 7 is not 7)', () => {
    for (const [seed, [low, high]] of Object.entries(reference.philox_key)) {
      expect(seedWords(BigInt(seed)), `seed ${seed}`).toEqual({ low, high });
    }
  });

  it('reproduces every recorded randn of a fresh generator bit for bit', () => {
    for (const entry of reference.randn) {
      expectBitExact(new PhiloxCudaGenerator(entry.seed).randn(entry.shape), entry.values, `seed ${entry.seed} [${entry.shape}]`);
    }
  });

  it('advances the counter by one per call, as the recorded sequences do', () => {
    for (const sequence of reference.sequences) {
      const generator = new PhiloxCudaGenerator(sequence.seed);
      sequence.calls.forEach((call, index) => {
        expect(call.offset).toBe(index);
        expectBitExact(generator.randn(call.shape), call.values, `seed ${sequence.seed} call ${index}`);
      });
    }
  });

  it('returns what rng_philox.py actually returns for its docstring example, Generator(0).randn((3, 4))', () => {
    expectBitExact(new PhiloxCudaGenerator(0).randn([3, 4]), reference.docstring_example.actual_output_here, 'docstring');
  });
});
