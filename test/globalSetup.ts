// Vitest global setup: generates every tiny Stable Diffusion model variant into test/models/ (skipping variants
// already up to date) before any test file runs, so tests never depend on `npm run models` having been run.
import { TEST_MODELS_DIR } from './testModelsDir';
import { generateTinyModels } from '../scripts/tinyModels';

export default async function setup(): Promise<void> {
  await generateTinyModels(TEST_MODELS_DIR);
}
