// httpModelSource against a local HTTP server over test/models, with onnxruntime-node running the graphs: the
// manifest as the list of files, external data passed to the session, probing without a manifest (including a
// single-page-app server that answers missing files with index.html), and HTTP failures.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadStableDiffusionModel, textToImage } from '../engine';
import type { OrtApi } from './OrtModelSession';
import { loadTinyModel, MODELS_DIR } from '../../test/tinyModel';
import { httpModelSource } from './httpModelSource';

interface ServerBehaviour {
  /** URL paths answered as missing. */
  hidden: Set<string>;
  /** Missing paths get index.html with status 200, as Vite's dev server and preview do. */
  spaFallback: boolean;
  failWith?: number;
}

const behaviour: ServerBehaviour = { hidden: new Set(), spaFallback: false };
const requests: string[] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    requests.push(`${request.method} ${path}`);
    if (behaviour.failWith) return void response.writeHead(behaviour.failWith).end();
    try {
      if (behaviour.hidden.has(path)) throw new Error('hidden');
      const body = await readFile(join(MODELS_DIR, path.replace(/^\/models\//, '')));
      response.writeHead(200, { 'content-type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      if (!behaviour.spaFallback) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><div id="root"></div>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  behaviour.hidden.clear();
  behaviour.spaFallback = false;
  behaviour.failWith = undefined;
  requests.length = 0;
});

const sourceFor = (variant: string) => httpModelSource(`${origin}/models/${variant}`, ort as unknown as OrtApi);
const INPUT = { prompt: 'a lighthouse', width: 64, height: 64, num_inference_steps: 2, scheduler: 'DDIM', seed: 3 };

async function imagesOf(model: Awaited<ReturnType<typeof loadStableDiffusionModel>>): Promise<number[]> {
  try {
    return Array.from((await textToImage(model, INPUT)).images[0].data);
  } finally {
    await model.release();
  }
}

describe('httpModelSource', () => {
  it('reads listed files, and answers files the manifest does not list as absent without fetching them', async () => {
    const source = sourceFor('tiny-sd');
    expect(await source.readText('scheduler/scheduler_config.json')).toBe(
      await readFile(join(MODELS_DIR, 'tiny-sd', 'scheduler', 'scheduler_config.json'), 'utf8'),
    );
    expect(await source.readText('tokenizer/added_tokens.json')).toBeNull();
    expect(await source.hasComponent('vae_encoder')).toBe(true);
    expect(requests).toEqual(['GET /models/tiny-sd/manifest.json', 'GET /models/tiny-sd/scheduler/scheduler_config.json']);
  });

  it("passes a graph's external-data file listed in the manifest to the session", async () => {
    const images = await imagesOf(await loadStableDiffusionModel(sourceFor('tiny-sd-external-data')));
    expect(requests).toContain('GET /models/tiny-sd-external-data/unet/model.onnx_data');
    // The same pixels as onnxruntime-node reading the files from disk (where it finds the external data itself).
    expect(images).toEqual(await imagesOf(await loadTinyModel('tiny-sd-external-data')));
  });

  it('probes files without a manifest, treating the HTML a single-page-app server returns as absent', async () => {
    behaviour.spaFallback = true;
    behaviour.hidden = new Set([
      '/models/tiny-sd-external-data/manifest.json',
      '/models/tiny-sd-external-data/tokenizer/special_tokens_map.json',
      '/models/tiny-sd-external-data/vae_encoder/model.onnx',
    ]);
    const source = sourceFor('tiny-sd-external-data');
    expect(await source.readText('tokenizer/special_tokens_map.json')).toBeNull();
    expect(await source.hasComponent('vae_encoder')).toBe(false);
    expect(await source.hasComponent('unet')).toBe(true);
    const images = await imagesOf(await loadStableDiffusionModel(source));
    expect(requests).toContain('HEAD /models/tiny-sd-external-data/unet/model.onnx_data');
    expect(images).toEqual(await imagesOf(await loadTinyModel('tiny-sd-external-data')));
  });

  it('throws on HTTP failures other than 404, naming the URL and status', async () => {
    behaviour.failWith = 500;
    await expect(sourceFor('tiny-sd').readText('model_index.json')).rejects.toThrow(/model_index\.json failed: 500/);
  });
});
