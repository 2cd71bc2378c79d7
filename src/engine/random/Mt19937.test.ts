// MT19937 words against torch's recorded first words, torch's seed reduction (low 32 bits of a uint64) and
// the C++ standard's known answer for the default seed.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { Mt19937 } from './Mt19937';

interface CpuReference {
  seeds: number[];
  mt19937_seed: Record<string, number>;
  mt19937_first_u32: Record<string, number[]>;
}

const reference = loadReference<CpuReference>('rng/cpu_mt19937.json');

function firstWords(seed: number | bigint, count: number): number[] {
  const engine = new Mt19937(seed);
  return Array.from({ length: count }, () => engine.nextUint32());
}

describe('Mt19937', () => {
  it('gives the first words torch produced after manual_seed, for every recorded seed', () => {
    for (const [seed, words] of Object.entries(reference.mt19937_first_u32)) {
      expect(firstWords(BigInt(seed), words.length), `seed ${seed}`).toEqual(words);
      expect(firstWords(Number(seed), words.length), `seed ${seed} as a number`).toEqual(words);
    }
  });

  it('seeds with the low 32 bits, so 2^32 + 7 and 7 share a stream', () => {
    for (const [seed, seed32] of Object.entries(reference.mt19937_seed)) {
      expect(firstWords(seed32, 8), `seed ${seed}`).toEqual(reference.mt19937_first_u32[seed]);
    }
    expect(firstWords(2 ** 32 + 7, 700)).toEqual(firstWords(7, 700));
  });

  it('wraps negative seeds as uint64 two\'s complement (-1 = 2^64 - 1, low word 2^32 - 1)', () => {
    const expected = reference.mt19937_first_u32['4294967295'];
    expect(firstWords(-1, 8)).toEqual(expected);
    expect(firstWords(-1n, 8)).toEqual(expected);
    expect(firstWords(2n ** 64n - 1n, 8)).toEqual(expected);
    expect(firstWords(-(2n ** 63n), 8)).toEqual(firstWords(0, 8)); // 2^63: low word 0
  });

  it('matches the 10000th output of a default-constructed std::mt19937 (seed 5489), across 16 regenerations', () => {
    // C++ standard [rand.predef]: "the 10000th consecutive invocation ... shall produce the value 4123659995".
    const engine = new Mt19937(5489);
    let word = 0;
    for (let i = 0; i < 10000; i++) word = engine.nextUint32();
    expect(word).toBe(4123659995);
  });

  it('rejects seeds torch cannot unpack as a uint64, and unsafe or fractional numbers', () => {
    for (const bad of [2n ** 64n, -(2n ** 63n) - 1n, 1.5, NaN, Infinity, 2 ** 53, -(2 ** 60)]) {
      expect(() => new Mt19937(bad), String(bad)).toThrow(/seed: must be an integer from -2\^63 to 2\^64-1/);
    }
  });
});
