// Public API of the tiny model generator: writes every variant into `<outDir>/<variant>/`, used by
// `npm run models` (scripts/generateTinyModels.ts) and the vitest global setup.
import { join } from 'node:path';
import { TINY_MODEL_VARIANTS } from './variants';
import { writeTinyModel, type WriteResult } from './writeTinyModel';

export { TINY_MODEL_VARIANTS, TINY_SIZES, type TinyModelVariant } from './variants';
export type { ManifestEntry, TinyModelManifest, WriteResult } from './writeTinyModel';

/** Writes all variants, skipping those whose folder already matches; returns what each call did. */
export async function generateTinyModels(outDir: string): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const variant of TINY_MODEL_VARIANTS) results.push(await writeTinyModel(join(outDir, variant.name), variant));
  return results;
}
