// A model downloaded into the weight store runs from it with no network at all, giving the same pixels as the same
// export read from disk; a half-stored model or a damaged chunk never reaches onnxruntime.
import 'fake-indexeddb/auto';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadStableDiffusionModel, textToImage } from '../engine';
import { listUrlFiles } from '../models/resolveModel';
import { downloadModel } from '../models/downloadModel';
import type { ModelManifest } from '../models/modelManifest';
import { startModelFileServer, type ModelFileServer } from '../../test/support/modelFileServer';
import { loadTinyModel, MODELS_DIR } from '../../test/tinyModel';
import { freshWeightStore } from '../../test/weightStoreKit';
import { indexedDbModelSource } from './indexedDbModelSource';
import type { OrtApi } from './OrtModelSession';

const INPUT = { prompt: 'a lighthouse at dusk', width: 64, height: 64, num_inference_steps: 3, guidance_scale: 7.5, seed: 5 };
let server: ModelFileServer;

beforeAll(async () => {
  server = await startModelFileServer({ root: MODELS_DIR });
});
afterAll(() => server.close());
afterEach(() => vi.unstubAllGlobals());

async function stored(variant: string) {
  const store = freshWeightStore();
  const manifest: ModelManifest = { id: variant, name: variant, origin: 'test', modes: ['text-to-image'], files: await listUrlFiles(`${server.url}/${variant}/`) };
  await downloadModel(store, manifest, { signal: new AbortController().signal });
  return store;
}

describe('indexedDbModelSource', () => {
  for (const variant of ['tiny-sd', 'tiny-sd-external-data'] as const) {
    it(`runs ${variant} from the store without any network request, with the pixels of the export on disk`, async () => {
      const store = await stored(variant);
      const fetchSpy = vi.fn(() => Promise.reject(new Error('no network')));
      vi.stubGlobal('fetch', fetchSpy);
      const model = await loadStableDiffusionModel(await indexedDbModelSource(variant, ort as unknown as OrtApi, () => ({}), store));
      const reference = await loadTinyModel(variant);
      try {
        const [ours, theirs] = [await textToImage(model, INPUT), await textToImage(reference, INPUT)];
        expect(Buffer.from(ours.images[0].data).equals(Buffer.from(theirs.images[0].data))).toBe(true);
      } finally {
        await model.release();
        await reference.release();
      }
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  }

  it('refuses a model that is not completely stored, naming what is missing', async () => {
    const store = freshWeightStore();
    const files = await listUrlFiles(`${server.url}/tiny-sd/`);
    await store.putModel({ manifest: { id: 'half', name: 'Half', origin: 'test', modes: [], files }, addedAt: '' }, files.map((f) => ({ modelId: 'half', path: f.path, size: f.size, chunks: [], complete: false })));
    await expect(indexedDbModelSource('half', ort as unknown as OrtApi, () => ({}), store)).rejects.toMatchObject({ code: 'weights_missing', message: expect.stringContaining('not completely downloaded') });
    await expect(indexedDbModelSource('absent', ort as unknown as OrtApi, () => ({}), store)).rejects.toMatchObject({ code: 'weights_missing' });
  });

  it('finds a damaged chunk when a session is created, before onnxruntime sees the bytes', async () => {
    const store = await stored('tiny-sd');
    const record = (await store.getFile('tiny-sd', 'unet/model.onnx'))!;
    await store.putChunk(record, 0, new Blob([new Uint8Array(record.chunks[0].size)]));
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const source = await indexedDbModelSource('tiny-sd', ort as unknown as OrtApi, () => ({}), store);
    await expect(source.createSession('unet')).rejects.toMatchObject({ code: 'weights_damaged', path: 'unet/model.onnx' });
    expect(create).not.toHaveBeenCalled();
    create.mockRestore();
  });
});
