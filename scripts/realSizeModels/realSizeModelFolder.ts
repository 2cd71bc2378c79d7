// Writes a real-size synthetic model folder in the diffusers ONNX layout: each graph's parameters stream into
// `<component>/model.onnx_data` while the graph is built, then the small model.onnx is written beside it; plus the
// tokenizer, scheduler and configs, and real-size-models.json with each graph's parameter count, FLOPs and bytes.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RealSizeVariant } from './architectures';
import { ExternalDataFile } from './externalDataFile';
import * as configs from './folderConfigs';
import { graphCost, type GraphCost } from './graphCost';
import { buildComponentGraph, inputShapes, REFERENCE_EVALUATION, type ComponentName } from './realSizeComponents';
import { encodeModel, type FloatType } from './streamingGraphBuilder';

const CLIP_FIXTURES = fileURLToPath(new URL('../../test/fixtures/clip/', import.meta.url));
export const EXTERNAL_DATA = 'model.onnx_data';
export const MANIFEST = 'real-size-models.json';

export interface WriteOptions {
  out: string;
  variant: RealSizeVariant;
  dtype: FloatType;
  components: readonly ComponentName[];
  log?: (line: string) => void;
}

export interface ComponentSummary {
  component: ComponentName;
  parameters: number;
  /** FLOPs of one evaluation at the reference size (batch 1, 64x64 latent = 512², 77 tokens). */
  flops: GraphCost;
  graphBytes: number;
  weightBytes: number;
  seconds: number;
}

function jsonBytes(value: object): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Bytes the parameters of `components` take on disk, from a weight-free build of each graph. */
export function expectedWeightBytes(variant: RealSizeVariant, dtype: FloatType, components: readonly ComponentName[]): number {
  const bytesPer = dtype === 'float16' ? 2 : 4;
  return components.reduce((sum, c) => sum + graphCost(buildComponentGraph(c, variant, dtype), inputShapes(c, variant, REFERENCE_EVALUATION)).parameters * bytesPer, 0);
}

function componentConfig(component: ComponentName, variant: RealSizeVariant, dtype: FloatType): object {
  switch (component) {
    case 'text_encoder':
      return configs.textEncoderConfig(variant.textEncoder, dtype);
    case 'unet':
      return configs.unetConfig(variant.unet);
    case 'vae_decoder':
      return configs.vaeConfig(variant.vaeDecoder);
    case 'taesd_decoder':
      return configs.taesdConfig(variant.taesdDecoder);
  }
}

/** Streams one component's graph to disk; files get their final names only when complete. */
function writeComponent(dir: string, component: ComponentName, variant: RealSizeVariant, dtype: FloatType): ComponentSummary {
  const started = performance.now();
  mkdirSync(dir, { recursive: true });
  const temporary = `.tmp-${process.pid}`;
  const data = new ExternalDataFile(join(dir, EXTERNAL_DATA + temporary), EXTERNAL_DATA);
  let graph;
  try {
    graph = buildComponentGraph(component, variant, dtype, data);
  } finally {
    data.close();
  }
  const graphBytes = encodeModel(graph);
  writeFileSync(join(dir, `model.onnx${temporary}`), graphBytes);
  renameSync(join(dir, EXTERNAL_DATA + temporary), join(dir, EXTERNAL_DATA));
  renameSync(join(dir, `model.onnx${temporary}`), join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'config.json'), jsonBytes(componentConfig(component, variant, dtype)));
  const flops = graphCost(graph, inputShapes(component, variant, REFERENCE_EVALUATION));
  return {
    component,
    parameters: flops.parameters,
    flops,
    graphBytes: graphBytes.length,
    weightBytes: data.size,
    seconds: (performance.now() - started) / 1000,
  };
}

export function writeRealSizeModelFolder(options: WriteOptions): ComponentSummary[] {
  const { out, variant, dtype, components, log = () => {} } = options;
  mkdirSync(out, { recursive: true });
  const needed = expectedWeightBytes(variant, dtype, components);
  const { bavail, bsize } = statfsSync(out);
  if (bavail * bsize < needed * 1.05) {
    throw new Error(`${out}: ${(needed / 1e9).toFixed(2)} GB needed, ${((bavail * bsize) / 1e9).toFixed(2)} GB free`);
  }
  log(`writing ${variant.name} ${dtype} (${components.join(', ')}) into ${out}: ${(needed / 1e9).toFixed(2)} GB of weights`);

  mkdirSync(join(out, 'scheduler'), { recursive: true });
  mkdirSync(join(out, 'tokenizer'), { recursive: true });
  writeFileSync(join(out, 'model_index.json'), jsonBytes(configs.modelIndex(variant)));
  writeFileSync(join(out, 'scheduler', 'scheduler_config.json'), jsonBytes(configs.schedulerConfig(variant)));
  for (const name of ['vocab.json', 'merges.txt']) copyFileSync(join(CLIP_FIXTURES, name), join(out, 'tokenizer', name));
  writeFileSync(join(out, 'tokenizer', 'tokenizer_config.json'), jsonBytes(configs.tokenizerConfig(variant.textEncoder)));
  writeFileSync(join(out, 'tokenizer', 'special_tokens_map.json'), jsonBytes(configs.specialTokensMap(variant.textEncoder)));

  const summaries = components.map((component) => {
    const summary = writeComponent(join(out, component), component, variant, dtype);
    log(`  ${component}: ${(summary.parameters / 1e6).toFixed(2)} M parameters, ${(summary.weightBytes / 1e9).toFixed(2)} GB, ` +
      `${(summary.flops.total / 1e9).toFixed(1)} GFLOP at 512², written in ${summary.seconds.toFixed(1)} s`);
    return summary;
  });
  writeManifest(out, variant, dtype, summaries);
  return summaries;
}

/** real-size-models.json: this run's components merged with those an earlier `--only` run wrote into the folder. */
function writeManifest(out: string, variant: RealSizeVariant, dtype: FloatType, summaries: ComponentSummary[]): void {
  const path = join(out, MANIFEST);
  let earlier: ComponentSummary[] = [];
  if (existsSync(path)) {
    const previous = JSON.parse(readFileSync(path, 'utf8')) as { variant: string; dtype: string; components: ComponentSummary[] };
    if (previous.variant === variant.name && previous.dtype === dtype) earlier = previous.components;
  }
  const written = new Set(summaries.map((s) => s.component));
  const components = [...earlier.filter((s) => !written.has(s.component)), ...summaries];
  writeFileSync(path, jsonBytes({ variant: variant.name, dtype, referenceEvaluation: REFERENCE_EVALUATION, components }));
}
