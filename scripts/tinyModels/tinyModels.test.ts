// The tiny models look like real Stable Diffusion ONNX exports from the outside: per variant, the graphs' input
// and output names, element types and (symbolic) dims, the folder layout and configs, a truthful manifest, and
// byte-identical output from two generations.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { generateTinyModels, TINY_MODEL_VARIANTS, TINY_TAESD } from './index';
import { CLIP_FIXTURES, describePorts, MODELS_DIR, openSession } from './tinyModelTestKit';
import { tinyModelFiles } from './writeTinyModel';

/** The contract each variant must present, written out from the export formats it stands for. */
const T2I = 'OnnxStableDiffusionPipeline';
const EXPECTED = {
  'tiny-sd': {
    ids: 'int32', float: 'float32', timestep: ['int64', ['batch']], unetIn: 4, encoded: ['latent_sample', 4], pipeline: T2I,
  },
  'tiny-sd-inpainting': {
    ids: 'int32', float: 'float32', timestep: ['int64', ['batch']], unetIn: 9, encoded: ['latent_sample', 4],
    pipeline: 'OnnxStableDiffusionInpaintPipeline',
  },
  'tiny-sd-fp16': {
    ids: 'int32', float: 'float16', timestep: ['float16', [1]], unetIn: 4, encoded: ['latent_sample', 4], pipeline: T2I,
  },
  'tiny-sd-int64': {
    ids: 'int64', float: 'float32', timestep: ['float32', ['batch']], unetIn: 4, encoded: ['latent_parameters', 8],
    pipeline: T2I,
  },
  'tiny-sd-external-data': {
    ids: 'int32', float: 'float32', timestep: ['int64', []], unetIn: 4, encoded: ['latent_sample', 4], pipeline: T2I,
  },
} as const;

const D = 32;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

it('generates exactly the five expected variants', () => {
  expect(TINY_MODEL_VARIANTS.map((v) => v.name).sort()).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
  const dir = join(MODELS_DIR, name);

  it('text encoder: input_ids [batch, sequence] → last_hidden_state and pooler_output', async () => {
    const session = await openSession(name, 'text_encoder');
    expect(describePorts(session.inputMetadata)).toEqual([['input_ids', expected.ids, ['batch', 'sequence']]]);
    expect(describePorts(session.outputMetadata)).toEqual([
      ['last_hidden_state', expected.float, ['batch', 'sequence', D]],
      ['pooler_output', expected.float, ['batch', D]],
    ]);
  });

  it('unet: sample, timestep and encoder_hidden_states → out_sample', async () => {
    const session = await openSession(name, 'unet');
    expect(describePorts(session.inputMetadata)).toEqual([
      ['sample', expected.float, ['batch', expected.unetIn, 'height', 'width']],
      ['timestep', ...expected.timestep],
      ['encoder_hidden_states', expected.float, ['batch', 'sequence', D]],
    ]);
    expect(describePorts(session.outputMetadata)).toEqual([['out_sample', expected.float, ['batch', 4, 'height', 'width']]]);
  });

  it('vae decoder: latent_sample → sample', async () => {
    const session = await openSession(name, 'vae_decoder');
    const latentDims = ['batch', 4, 'latent_height', 'latent_width'];
    expect(describePorts(session.inputMetadata)).toEqual([['latent_sample', expected.float, latentDims]]);
    expect(describePorts(session.outputMetadata)).toEqual([['sample', expected.float, ['batch', 3, 'height', 'width']]]);
  });

  it(`vae encoder: sample → ${expected.encoded[0]}`, async () => {
    const session = await openSession(name, 'vae_encoder');
    expect(describePorts(session.inputMetadata)).toEqual([['sample', expected.float, ['batch', 3, 'height', 'width']]]);
    expect(describePorts(session.outputMetadata)).toEqual([
      [expected.encoded[0], expected.float, ['batch', expected.encoded[1], 'latent_height', 'latent_width']],
    ]);
  });

  it('has the diffusers folder layout, the CLIP tokenizer files and the configs', async () => {
    const modelIndex = await readJson(join(dir, 'model_index.json'));
    expect(modelIndex._class_name).toBe(expected.pipeline);
    expect(typeof modelIndex._diffusers_version).toBe('string');
    for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) {
      expect(modelIndex[component]).toEqual(['diffusers', 'OnnxRuntimeModel']);
    }
    expect(modelIndex.tokenizer).toEqual(['transformers', 'CLIPTokenizer']);
    expect(modelIndex.scheduler).toEqual(['diffusers', 'PNDMScheduler']);

    for (const file of ['vocab.json', 'merges.txt']) {
      expect((await readFile(join(dir, 'tokenizer', file))).equals(await readFile(join(CLIP_FIXTURES, file)))).toBe(true);
    }
    const tokenizerConfig = await readJson(join(dir, 'tokenizer/tokenizer_config.json'));
    expect(tokenizerConfig).toMatchObject({
      tokenizer_class: 'CLIPTokenizer', model_max_length: 77, pad_token: '<|endoftext|>', do_lower_case: true,
    });
    expect(tokenizerConfig.bos_token.content).toBe('<|startoftext|>');
    const specialTokens = await readJson(join(dir, 'tokenizer/special_tokens_map.json'));
    expect(specialTokens).toMatchObject({
      pad_token: '<|endoftext|>', eos_token: { content: '<|endoftext|>' }, bos_token: { content: '<|startoftext|>' },
    });

    expect(await readJson(join(dir, 'scheduler/scheduler_config.json'))).toMatchObject({
      _class_name: 'PNDMScheduler', num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012,
      beta_schedule: 'scaled_linear', steps_offset: 1, set_alpha_to_one: false, clip_sample: false,
      skip_prk_steps: true, prediction_type: 'epsilon',
    });
    expect(await readJson(join(dir, 'unet/config.json'))).toMatchObject({
      in_channels: expected.unetIn, out_channels: 4, sample_size: 64, cross_attention_dim: D,
    });
    for (const vae of ['vae_decoder', 'vae_encoder']) {
      expect(await readJson(join(dir, vae, 'config.json'))).toMatchObject({ latent_channels: 4, scaling_factor: 0.18215 });
    }
    expect(await readJson(join(dir, 'text_encoder/config.json'))).toMatchObject({ hidden_size: D });
  });

  it('lists every file of the folder in manifest.json with its true size and SHA-256', async () => {
    const manifest = await readJson(join(dir, 'manifest.json'));
    expect(manifest.name).toBe(name);
    const listed = manifest.files.map((f: { path: string }) => f.path);
    expect(listed).toEqual((await listFiles(dir)).filter((path) => path !== 'manifest.json'));
    for (const entry of manifest.files) {
      const bytes = await readFile(join(dir, entry.path));
      expect({ path: entry.path, size: bytes.length, sha256: sha256(bytes) }).toEqual(entry);
    }
  });
});

describe('external data', () => {
  it('keeps the UNet weights in unet/model.onnx_data at 4096-byte-aligned offsets', async () => {
    const dir = join(MODELS_DIR, 'tiny-sd-external-data', 'unet');
    const data = await readFile(join(dir, 'model.onnx_data'));
    const model = onnxProto.onnx.ModelProto.decode(await readFile(join(dir, 'model.onnx')));
    const external = model.graph!.initializer!.filter((t) => t.dataLocation === onnxProto.onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThan(3);
    let stored = 0;
    for (const tensor of external) {
      const entries = Object.fromEntries(tensor.externalData!.map((e) => [e.key, e.value]));
      const offset = Number(entries.offset);
      const length = Number(entries.length);
      expect(entries.location).toBe('model.onnx_data');
      expect(offset % 4096).toBe(0);
      expect(length).toBe(4 * tensor.dims!.reduce((a: number, b) => a * Number(b), 1));
      expect(offset + length).toBeLessThanOrEqual(data.length);
      expect(tensor.rawData!.length).toBe(0);
      stored += length;
    }
    // Most of the UNet's bytes live outside the graph file.
    expect(stored).toBeGreaterThan((await readFile(join(dir, 'model.onnx'))).length);
  });
});

describe('generation', () => {
  const scratch = mkdtemp(join(tmpdir(), 'tiny-models-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('produces byte-identical files on every run', async () => {
    for (const variant of TINY_MODEL_VARIANTS) {
      const [first, second] = [await tinyModelFiles(variant), await tinyModelFiles(variant)];
      expect([...first.keys()]).toEqual([...second.keys()]);
      for (const [path, bytes] of first) expect(sha256(second.get(path)!), `${variant.name}/${path}`).toBe(sha256(bytes));
    }
  });

  it('matches what is in test/models, skips up-to-date folders and repairs a changed file', async () => {
    const dir = await scratch;
    const started = performance.now();
    const first = await generateTinyModels(dir);
    expect(performance.now() - started).toBeLessThan(3000);
    // Every variant, then the TAESD stand-in.
    const folders = [...TINY_MODEL_VARIANTS.map((v) => v.name), TINY_TAESD];
    expect(first.map((r) => basename(r.directory))).toEqual(folders);
    expect(first.map((r) => r.written)).toEqual(folders.map(() => true));
    for (const folder of folders) {
      const fresh = await readFile(join(dir, folder, 'manifest.json'));
      expect(fresh.equals(await readFile(join(MODELS_DIR, folder, 'manifest.json'))), folder).toBe(true);
    }
    expect((await generateTinyModels(dir)).map((r) => r.written)).toEqual(folders.map(() => false));

    const unet = join(dir, 'tiny-sd', 'unet', 'model.onnx');
    const original = await readFile(unet);
    await writeFile(unet, original.subarray(0, 100));
    const repaired = await generateTinyModels(dir);
    expect(repaired.map((r) => r.written)).toEqual(folders.map((name) => name === 'tiny-sd'));
    expect((await readFile(unet)).equals(original)).toBe(true);
  });
});
