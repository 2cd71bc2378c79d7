// Public API of the tiny model generator: writes variants into `<outDir>/<variant>/`, used by `npm run models`
// (scripts/generateTinyModels.ts: the demo model into public/, or every variant into test/models/) and the tests.
import { join } from 'node:path';
import { TINY_MODEL_VARIANTS } from './variants';
import { TINY_TAESD, writeTinyModel, type WriteResult } from './writeTinyModel';

export { TINY_MODEL_VARIANTS, TINY_SIZES, type TinyModelVariant } from './variants';
export { TINY_TAESD } from './writeTinyModel';
export type { ManifestEntry, TinyModelManifest, WriteResult } from './writeTinyModel';

/** The variant the app ships as its built-in demo model; the others exist for tests. */
export const DEMO_VARIANT = 'tiny-sd';

/**
 * Writes the named variants (all by default), skipping those whose folder already matches; returns what each
 * call did.
 */
export async function generateTinyModels(outDir: string, names?: readonly string[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (const variant of TINY_MODEL_VARIANTS) {
    if (!names || names.includes(variant.name)) results.push(await writeTinyModel(join(outDir, variant.name), variant));
  }
  // The TAESD stand-in ships with the demo: the fast-decoder setting works without a download too.
  if (!names || names.includes(TINY_TAESD) || names.includes(DEMO_VARIANT)) results.push(await writeTinyModel(join(outDir, TINY_TAESD), TINY_MODEL_VARIANTS[0], true));
  return results;
}
