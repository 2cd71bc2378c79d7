// Validation shared by the seeded generators: seeds as torch's manual_seed reads them (a uint64, negatives
// wrapping as two's complement) and tensor shapes as element counts.
import { EngineError, describeValue } from '../errors';

const UINT64_LIMIT = 2n ** 64n;
const INT64_MIN = -(2n ** 63n);

/** The seed's 64 bits as two unsigned 32-bit words. */
export interface SeedWords {
  low: number;
  high: number;
}

/**
 * Reads a seed the way `torch.Generator.manual_seed` does: any integer in [-2^63, 2^64), negatives taken as
 * uint64 two's complement (torch unpacks the Python int as uint64, so -1 means 2^64 - 1). A `number` must be a
 * safe integer, since a larger one may already have lost the digits the caller meant.
 */
export function seedWords(seed: number | bigint): SeedWords {
  let value: bigint;
  if (typeof seed === 'bigint') {
    value = seed;
  } else if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    value = BigInt(seed);
  } else {
    throw invalidSeed(seed);
  }
  if (value < INT64_MIN || value >= UINT64_LIMIT) throw invalidSeed(seed);
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn), high: Number(bits >> 32n) };
}

function invalidSeed(seed: unknown): EngineError {
  return new EngineError(
    'invalid_input',
    `seed: must be an integer from -2^63 to 2^64-1 (a number must be a safe integer, |seed| <= 2^53-1; use a ` +
      `bigint beyond that), got ${describeValue(seed)}`,
  );
}

/** Number of elements of a tensor shape; every dimension must be a non-negative safe integer. */
export function numelOfShape(shape: readonly number[]): number {
  if (!Array.isArray(shape)) {
    throw new EngineError('invalid_input', `shape: must be an array of non-negative integers, got ${describeValue(shape)}`);
  }
  let numel = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new EngineError(
        'invalid_input',
        `shape: every dimension must be a non-negative integer, got [${shape.map((d) => describeValue(d)).join(', ')}]`,
      );
    }
    numel *= dim;
  }
  if (!Number.isSafeInteger(numel)) {
    throw new EngineError('invalid_input', `shape: element count must be at most 2^53-1, got [${shape.join(', ')}]`);
  }
  return numel;
}
