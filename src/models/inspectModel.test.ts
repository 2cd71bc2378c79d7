// The check before a download: required files, the scheduler class, and each graph's ONNX header against the
// engine's export contract — on the tiny exports from disk and over HTTP (Range requests only).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS_DIR } from '../../test/tinyModel';
import { inspectModel, type ModelFileAccess } from './inspectModel';
import type { ManifestFile } from './modelManifest';
import { bytesReader } from './onnxMetadata';

async function folder(variant: string, edit: (files: Map<string, Uint8Array>) => void = () => undefined) {
  const manifest = JSON.parse(await readFile(join(MODELS_DIR, variant, 'manifest.json'), 'utf8')) as { files: ManifestFile[] };
  const bytes = new Map<string, Uint8Array>();
  for (const file of manifest.files) bytes.set(file.path, new Uint8Array(await readFile(join(MODELS_DIR, variant, file.path))));
  edit(bytes);
  const files = [...bytes].map(([path, data]) => ({ path, size: data.length }));
  const access: ModelFileAccess = {
    readText: async (path) => (bytes.has(path) ? new TextDecoder().decode(bytes.get(path)) : null),
    reader: (file) => bytesReader(bytes.get(file.path)!),
  };
  return { files, access };
}

describe('inspectModel', () => {
  it('finds nothing wrong with a complete export and offers all three modes', async () => {
    const { files, access } = await folder('tiny-sd');
    expect(await inspectModel(files, access)).toEqual({ problems: [], notes: [], modes: ['text-to-image', 'image-to-image', 'inpainting'], dtype: 'float32', unetChannels: 4 });
  });

  it('reads a 9-channel UNet from its graph: inpainting only', async () => {
    const { files, access } = await folder('tiny-sd-inpainting');
    expect(await inspectModel(files, access)).toMatchObject({ problems: [], modes: ['inpainting'], unetChannels: 9 });
  });

  it('reads float16 from the UNet\'s inputs', async () => {
    const { files, access } = await folder('tiny-sd-fp16');
    expect(await inspectModel(files, access)).toMatchObject({ problems: [], dtype: 'float16' });
  });

  it('names each missing component, and the external-data file a graph refers to', async () => {
    const { files, access } = await folder('tiny-sd-external-data', (bytes) => {
      bytes.delete('vae_decoder/model.onnx');
      bytes.delete('unet/model.onnx_data');
    });
    const check = await inspectModel(files, access);
    expect(check.problems).toEqual(
      expect.arrayContaining(['missing vae_decoder/model.onnx (the VAE decoder)', 'missing unet/model.onnx_data (the unet graph keeps its weights there)']),
    );
    expect(check.modes).toEqual([]);
  });

  it('refuses a scheduler class the engine does not implement, listing the ones it does', async () => {
    const { files, access } = await folder('tiny-sd', (bytes) => {
      bytes.set('scheduler/scheduler_config.json', new TextEncoder().encode(JSON.stringify({ _class_name: 'FlowMatchEulerDiscreteScheduler' })));
    });
    const [problem] = (await inspectModel(files, access)).problems;
    expect(problem).toMatch(/^unsupported scheduler FlowMatchEulerDiscreteScheduler \(supported: .*EulerDiscreteScheduler/);
  });

  it('without a VAE encoder, offers text-to-image only and says why', async () => {
    const { files, access } = await folder('tiny-sd', (bytes) => bytes.delete('vae_encoder/model.onnx'));
    expect(await inspectModel(files, access)).toMatchObject({ problems: [], modes: ['text-to-image'], notes: ['no VAE encoder: text-to-image only'] });
  });

  it('says a file that is not an ONNX graph is not readable', async () => {
    const { files, access } = await folder('tiny-sd', (bytes) => bytes.set('unet/model.onnx', new TextEncoder().encode('<html>404</html>')));
    expect((await inspectModel(files, access)).problems[0]).toMatch(/^unet\/model\.onnx is not a readable ONNX graph/);
  });
});
