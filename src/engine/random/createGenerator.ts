// Picks the seeded noise generator a pipeline uses: torch's CPU stream or the CUDA imitation.
import { EngineError, describeValue } from '../errors';
import type { NoiseSource } from './NoiseSource';
import { PhiloxCudaGenerator } from './PhiloxCudaGenerator';
import { TorchCpuGenerator } from './TorchCpuGenerator';

/**
 * 'cpu' reproduces `torch.Generator('cpu').manual_seed(seed)` (what diffusers scripts use by default);
 * 'cuda' reproduces AUTOMATIC1111's imitation of a CUDA generator ("NV" noise source).
 */
export type { NoiseDevice } from '../../predictions/backends';
import type { NoiseDevice } from '../../predictions/backends';

/**
 * A fresh generator for `seed`: an integer in [-2^63, 2^64) (negatives wrap as uint64, as in torch), given as a
 * safe-integer number or a bigint. Throws EngineError('invalid_input') naming `seed` or `device` otherwise.
 */
export function createGenerator(seed: number | bigint, device: NoiseDevice = 'cpu'): NoiseSource {
  if (device === 'cpu') return new TorchCpuGenerator(seed);
  if (device === 'cuda') return new PhiloxCudaGenerator(seed);
  throw new EngineError('invalid_input', `device: must be 'cpu' or 'cuda', got ${describeValue(device)}`);
}
