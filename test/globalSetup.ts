// Vitest global setup: generates the tiny Stable Diffusion models into public/models/ (skipping variants already
// up to date) before any test file runs, so tests never depend on `npm run models` having been run.
import { fileURLToPath } from 'node:url';
import { generateTinyModels } from '../scripts/tinyModels';

export default async function setup(): Promise<void> {
  await generateTinyModels(fileURLToPath(new URL('../public/models/', import.meta.url)));
}
