// `npm run models`: writes the app's built-in demo model into public/models/tiny-sd/. With `--test`, writes every
// variant (the tests' fixtures: float16, int64, inpainting, external data) into test/models/ instead, which
// the production build never contains. Variants already up to date are skipped.
import { fileURLToPath } from 'node:url';
import { DEMO_VARIANT, generateTinyModels } from './tinyModels';

const forTests = process.argv.includes('--test');
const outDir = fileURLToPath(new URL(forTests ? '../test/models/' : '../public/models/', import.meta.url));
const started = performance.now();
const results = await generateTinyModels(outDir, forTests ? undefined : [DEMO_VARIANT]);
for (const result of results) {
  const size = `${(result.totalBytes / 1024).toFixed(0)} KiB`;
  console.log(`${result.written ? 'wrote  ' : 'current'} ${result.directory} (${size})`);
}
console.log(`tiny models ready in ${(performance.now() - started).toFixed(0)} ms`);
