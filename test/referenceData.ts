// Loads the reference vectors copied from shared/reference into test/reference (so `npm test` needs nothing
// outside the repository), converting JSON numbers to exact float32 arrays where asked.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/** Parses `test/reference/<relativePath>`. */
export function loadReference<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(join(here, 'reference', relativePath), 'utf8')) as T;
}

/** Path of a file under `test/fixtures/`. */
export function fixturePath(relativePath: string): string {
  return join(here, 'fixtures', relativePath);
}

/** The stored decimals as the float32 values they round-trip to. */
export function f32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values as ArrayLike<number>, (v) => Math.fround(v));
}

/** Largest |a - b| / (atol + rtol * |b|); at most 1 means every element is within tolerance. */
export function worstToleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const ratio = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (!(ratio <= worst)) worst = Number.isNaN(ratio) ? Infinity : ratio;
  }
  return worst;
}
