// Checks a model before anything is downloaded: the files the diffusers layout needs, model_index.json, the
// scheduler class, and each graph's inputs and outputs read from its ONNX header (ranged reads, not the weights)
// against the engine's own export contract. Says exactly what is missing or unsupported, and what the model can do.
import { bindTextEncoder, bindUnet, bindVaeDecoder, bindVaeEncoder, DIFFUSERS_SCHEDULER_NAMES, type ModelSession } from '../engine';
import type { GenerationMode } from '../predictions/PredictionInput';
import type { ManifestFile, ModelDtype } from './modelManifest';
import { OnnxMetadataError, readOnnxMetadata, type ByteRangeReader, type OnnxMetadata } from './onnxMetadata';

export interface ModelCheck {
  /** What makes the model unusable here: missing files, unsupported graphs or configs. Empty when it can run. */
  problems: string[];
  /** Worth knowing, not blocking (no VAE encoder: text-to-image only; a graph checked only after download). */
  notes: string[];
  modes: GenerationMode[];
  dtype?: ModelDtype;
  unetChannels?: number;
}

export interface ModelFileAccess {
  readText(path: string): Promise<string | null>;
  /** Random access to a graph's bytes (HTTP Range requests, or a file on disk). */
  reader(file: ManifestFile): ByteRangeReader;
}

const REQUIRED: Array<[string, string]> = [
  ['model_index.json', 'the pipeline description'],
  ['scheduler/scheduler_config.json', 'the scheduler config'],
  ['tokenizer/vocab.json', 'the tokenizer vocabulary'],
  ['tokenizer/merges.txt', 'the tokenizer merges'],
  ['text_encoder/model.onnx', 'the text encoder'],
  ['unet/model.onnx', 'the UNet'],
  ['vae_decoder/model.onnx', 'the VAE decoder'],
];

type Graph = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder';
const GRAPHS: Graph[] = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'];

/** Reads past at most this many weight tensors stored inside a graph; beyond, the graph is checked after download. */
const MAX_HEADER_READS = 96;

function asSession(metadata: OnnxMetadata): ModelSession {
  const unavailable = () => Promise.reject(new Error('metadata only'));
  return { inputs: metadata.inputs, outputs: metadata.outputs, run: unavailable, release: () => Promise.resolve() };
}

function parseJson(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function inspectModel(files: readonly ManifestFile[], access: ModelFileAccess): Promise<ModelCheck> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const problems: string[] = [];
  const notes: string[] = [];
  for (const [path, what] of REQUIRED) if (!byPath.has(path)) problems.push(`missing ${path} (${what})`);

  const [index, scheduler, unetConfig] = await Promise.all(
    ['model_index.json', 'scheduler/scheduler_config.json', 'unet/config.json'].map((path) => (byPath.has(path) ? access.readText(path).then(parseJson) : Promise.resolve(null))),
  );
  if (byPath.has('model_index.json') && !index) problems.push('model_index.json is not a JSON object');
  const pipelineClass = index?._class_name;
  if (typeof pipelineClass === 'string' && /XL|Flux|StableDiffusion3|Kandinsky|Wuerstchen/i.test(pipelineClass)) {
    problems.push(`unsupported pipeline ${pipelineClass}: this studio runs Stable Diffusion 1.x/2.x pipelines (text encoder, UNet, VAE)`);
  }
  if (byPath.has('scheduler/scheduler_config.json')) {
    const className = scheduler?._class_name;
    if (typeof className !== 'string') problems.push('scheduler/scheduler_config.json names no _class_name');
    else if (!(DIFFUSERS_SCHEDULER_NAMES as readonly string[]).includes(className)) {
      problems.push(`unsupported scheduler ${className} (supported: ${DIFFUSERS_SCHEDULER_NAMES.join(', ')})`);
    }
  }

  const metadata = new Map<Graph, OnnxMetadata>();
  await Promise.all(
    GRAPHS.map(async (graph) => {
      const file = byPath.get(`${graph}/model.onnx`);
      if (!file) return;
      try {
        metadata.set(graph, await readOnnxMetadata(access.reader(file), { maxReads: MAX_HEADER_READS }));
      } catch (error) {
        if (error instanceof OnnxMetadataError && error.code === 'onnx_read_budget') {
          notes.push(`${file.path} keeps its weights inside the graph: its inputs are checked once it is downloaded`);
        } else problems.push(`${file.path} is not a readable ONNX graph (${(error as Error).message})`);
      }
    }),
  );

  const binders: Record<Graph, (session: ModelSession) => unknown> = {
    text_encoder: (session) => bindTextEncoder(session, 77),
    unet: bindUnet,
    vae_decoder: bindVaeDecoder,
    vae_encoder: bindVaeEncoder,
  };
  for (const graph of GRAPHS) {
    const found = metadata.get(graph);
    if (!found) continue;
    try {
      binders[graph](asSession(found));
    } catch (error) {
      problems.push(`unsupported ${graph}: ${(error as Error).message.replace(/^\w+: /, '')}`);
    }
    for (const name of found.externalDataFiles) {
      if (!byPath.has(`${graph}/${name}`)) problems.push(`missing ${graph}/${name} (the ${graph} graph keeps its weights there)`);
    }
  }

  const unet = metadata.get('unet');
  const sampleChannels = unet?.inputs.find((input) => input.name === 'sample')?.shape?.[1];
  const configChannels = unetConfig?.in_channels;
  const unetChannels = typeof sampleChannels === 'number' ? sampleChannels : typeof configChannels === 'number' ? configChannels : undefined;
  const sampleType = unet?.inputs.find((input) => input.name === 'sample')?.type;
  const dtype: ModelDtype | undefined = sampleType === 'float16' || unet?.initializerTypes.includes('float16') ? 'float16' : sampleType === 'float32' ? 'float32' : undefined;

  const hasEncoder = byPath.has('vae_encoder/model.onnx');
  let modes: GenerationMode[];
  if (unetChannels === 9) {
    modes = ['inpainting'];
    if (!hasEncoder) problems.push('missing vae_encoder/model.onnx (an inpainting UNet needs the VAE encoder)');
  } else {
    modes = hasEncoder ? ['text-to-image', 'image-to-image', 'inpainting'] : ['text-to-image'];
    if (!hasEncoder) notes.push('no VAE encoder: text-to-image only');
  }
  if (files.some((file) => file.url && !file.sha256)) notes.push('no SHA-256 published for some files: those are verified by size only');
  return { problems, notes, modes: problems.length > 0 ? [] : modes, dtype, unetChannels };
}
