// `npm run models:real-size -- --out DIR [--variant sd15|sd-turbo] [--dtype fp32|fp16] [--only unet,vae_decoder,...]
// [--force]`: writes synthetic models of the real SD architectures and sizes (random seeded weights) into DIR, for
// benchmarks. Gigabytes: it refuses to run without --out and to write inside the checkout unless --force is given.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REAL_SIZE_VARIANTS, type ModelVariantName } from './architectures';
import { COMPONENT_NAMES, type ComponentName } from './realSizeComponents';
import { writeRealSizeModelFolder } from './realSizeModelFolder';

const USAGE = `usage: npm run models:real-size -- --out DIR [--variant sd15|sd-turbo] [--dtype fp32|fp16]
       [--only ${COMPONENT_NAMES.join(',')}] [--force]
Writes DIR/{model_index.json,scheduler,tokenizer,text_encoder,unet,vae_decoder,taesd_decoder}. Sizes (fp32; fp16 half):
unet 3.4 GB (sd15) / 3.5 GB (sd-turbo), text_encoder 0.49 / 1.36 GB, vae_decoder 0.2 GB, taesd_decoder 5 MB.`;

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function fail(message: string): never {
  console.error(`models:real-size: ${message}\n${USAGE}`);
  process.exit(2);
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    variant: { type: 'string', default: 'sd15' },
    dtype: { type: 'string', default: 'fp32' },
    only: { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.out) fail('--out DIR is required (the models take gigabytes; they never go into the checkout by default)');
const out = resolve(values.out);
if (isInside(out, resolve(REPO_ROOT)) && !values.force) fail(`${out} is inside the repository; pass --force to write there anyway`);
if (!(values.variant! in REAL_SIZE_VARIANTS)) fail(`--variant must be ${Object.keys(REAL_SIZE_VARIANTS).join(' or ')}, got ${values.variant}`);
const dtypes = { fp32: 'float32', fp16: 'float16' } as const;
if (!(values.dtype! in dtypes)) fail(`--dtype must be fp32 or fp16, got ${values.dtype}`);
const components = (values.only?.split(',').map((c) => c.trim()) ?? [...COMPONENT_NAMES]) as ComponentName[];
const unknown = components.filter((c) => !COMPONENT_NAMES.includes(c));
if (unknown.length > 0) fail(`--only: unknown component ${unknown.join(', ')}; valid: ${COMPONENT_NAMES.join(', ')}`);

const started = performance.now();
writeRealSizeModelFolder({
  out,
  variant: REAL_SIZE_VARIANTS[values.variant as ModelVariantName],
  dtype: dtypes[values.dtype as keyof typeof dtypes],
  components,
  log: (line) => console.log(line),
});
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
