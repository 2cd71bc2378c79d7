// createGenerator: device dispatch onto the recorded torch CPU / A1111 CUDA-imitation streams, seed forms
// (number, bigint, negative) and the validation errors callers see.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { f32, loadReference } from '../../../test/referenceData';
import { createGenerator, type NoiseDevice } from './createGenerator';

interface Entry {
  seed: number;
  shape: number[];
  values: number[];
}

const cpu = loadReference<{ randn: Entry[] }>('rng/cpu_mt19937.json');
const cuda = loadReference<{ randn: Entry[] }>('rng/cuda_philox_a1111.json');

function recorded(entries: Entry[], seed: number): Entry {
  return entries.find((e) => e.seed === seed && e.shape.join() === '1,4,8,8')!;
}

function thrown(action: () => unknown): EngineError {
  try {
    action();
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected an error');
}

describe('createGenerator', () => {
  it('defaults to the torch CPU stream and gives the A1111 Philox stream for cuda', () => {
    const cpuEntry = recorded(cpu.randn, 42);
    expect(createGenerator(42).randn(cpuEntry.shape)).toEqual(f32(cpuEntry.values));
    expect(createGenerator(42n, 'cpu').randn(cpuEntry.shape)).toEqual(f32(cpuEntry.values));
    const cudaEntry = recorded(cuda.randn, 42);
    expect(createGenerator(42, 'cuda').randn(cudaEntry.shape)).toEqual(f32(cudaEntry.values));
  });

  it('reads negative seeds as uint64 two\'s complement on both devices', () => {
    for (const device of ['cpu', 'cuda'] as NoiseDevice[]) {
      expect(createGenerator(-1, device).randn([64])).toEqual(createGenerator(2n ** 64n - 1n, device).randn([64]));
    }
    expect(createGenerator(-1).randn([64])).toEqual(createGenerator(2 ** 32 - 1).randn([64]));
    expect(createGenerator(-1, 'cuda').randn([64])).not.toEqual(createGenerator(2 ** 32 - 1, 'cuda').randn([64]));
  });

  it('rejects seeds outside [-2^63, 2^64) and numbers that are not safe integers, naming what came', () => {
    const cases: [number | bigint, string][] = [
      [1.5, '1.5'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [2 ** 53, '9007199254740992'],
      [2n ** 64n, '18446744073709551616'],
      [-(2n ** 63n) - 1n, '-9223372036854775809'],
    ];
    for (const [seed, shown] of cases) {
      const error = thrown(() => createGenerator(seed, 'cuda'));
      expect(error).toBeInstanceOf(EngineError);
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain('seed');
      expect(error.message).toContain('-2^63 to 2^64-1');
      expect(error.message).toContain(`got ${shown}`);
    }
    expect(thrown(() => createGenerator('42' as unknown as number)).message).toContain('got "42"');
  });

  it('rejects an unknown device', () => {
    const error = thrown(() => createGenerator(0, 'mps' as NoiseDevice));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/device: must be 'cpu' or 'cuda', got "mps"/);
  });
});
