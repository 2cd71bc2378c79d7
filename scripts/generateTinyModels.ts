// `npm run models`: writes the tiny Stable Diffusion models into public/models/<variant>/ (the app's built-in demo
// model and the unit tests' fixtures), skipping variants that are already up to date.
import { fileURLToPath } from 'node:url';
import { generateTinyModels } from './tinyModels';

const outDir = fileURLToPath(new URL('../public/models/', import.meta.url));
const started = performance.now();
const results = await generateTinyModels(outDir);
for (const result of results) {
  const size = `${(result.totalBytes / 1024).toFixed(0)} KiB`;
  console.log(`${result.written ? 'wrote  ' : 'current'} ${result.directory} (${size})`);
}
console.log(`tiny models ready in ${(performance.now() - started).toFixed(0)} ms`);
