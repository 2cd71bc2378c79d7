// Bench-only worker (built into dist-e2e/ only): the engine against bare onnxruntime-web on the SAME sessions, in a
// Web Worker as the app runs it, A/B alternated — a full text-to-image job through the engine, then a straight loop
// (two text encoder runs, two UNet runs per step on fixed inputs, one VAE decode), per scheduler.
import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { loadStableDiffusionModel, textToImage, type ModelComponent, type ModelSource } from '../../src/engine';
import { httpModelSource } from '../../src/runtime/httpModelSource';
import { wrapOrtSession, type OrtApi } from '../../src/runtime/OrtModelSession';

export interface OverheadRequest {
  threads: number;
  size: number;
  steps: number;
  guidance: number;
  schedulers: string[];
  pairs: number;
}

export interface OverheadAnswer {
  threads: number;
  rows: Array<{ scheduler: string; engineMs: number[]; bareMs: number[] }>;
}

declare const self: DedicatedWorkerGlobalScope;
const BASE = '/models/tiny-sd/';

async function run(request: OverheadRequest): Promise<OverheadAnswer> {
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, self.location.href).href };
  ort.env.wasm.numThreads = request.threads;
  const api = ort as unknown as OrtApi;
  const sessions = new Map<ModelComponent, ort.InferenceSession>();
  for (const component of ['text_encoder', 'unet', 'vae_decoder'] as const) {
    const bytes = new Uint8Array(await (await fetch(`${BASE}${component}/model.onnx`)).arrayBuffer());
    sessions.set(component, await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] }));
  }
  const files = httpModelSource(BASE, api);
  const source: ModelSource = {
    ...files,
    hasComponent: async (component) => sessions.has(component),
    createSession: async (component) => ({ ...wrapOrtSession(api, sessions.get(component) as never), release: async () => undefined }),
  };
  const model = await loadStableDiffusionModel(source);
  const prompt = 'a lighthouse on a cliff at dusk';
  const cond = model.tokenizer.tokenize(prompt);
  const uncond = model.tokenizer.tokenize('');
  const latent = request.size / 8;
  const bare = async (steps: number) => {
    const te = sessions.get('text_encoder')!;
    const unet = sessions.get('unet')!;
    const vae = sessions.get('vae_decoder')!;
    const sample = new ort.Tensor('float32', new Float32Array(4 * latent * latent).fill(0.1), [1, 4, latent, latent]);
    const started = performance.now();
    const c = (await te.run({ input_ids: new ort.Tensor('int32', cond, [1, 77]) })).last_hidden_state;
    const u = (await te.run({ input_ids: new ort.Tensor('int32', uncond, [1, 77]) })).last_hidden_state;
    for (let i = 0; i < steps; i++) {
      const timestep = new ort.Tensor('int64', new BigInt64Array([BigInt(999 - i * 40)]), [1]);
      await unet.run({ sample, timestep, encoder_hidden_states: u });
      await unet.run({ sample, timestep, encoder_hidden_states: c });
    }
    await vae.run({ latent_sample: sample });
    return performance.now() - started;
  };
  const input = { prompt, width: request.size, height: request.size, num_inference_steps: request.steps, guidance_scale: request.guidance, seed: 1 };
  const engine = async (scheduler: string) => {
    const started = performance.now();
    await textToImage(model, { ...input, scheduler });
    return performance.now() - started;
  };
  await engine(request.schedulers[0]);
  await bare(2);
  const rows: OverheadAnswer['rows'] = [];
  for (const scheduler of request.schedulers) {
    const row = { scheduler, engineMs: [] as number[], bareMs: [] as number[] };
    for (let pair = 0; pair < request.pairs; pair++) {
      if (pair % 2 === 0) {
        row.engineMs.push(await engine(scheduler));
        row.bareMs.push(await bare(request.steps));
      } else {
        row.bareMs.push(await bare(request.steps));
        row.engineMs.push(await engine(scheduler));
      }
    }
    rows.push(row);
  }
  await model.release();
  for (const session of sessions.values()) await session.release();
  return { threads: request.threads, rows };
}

// onnxruntime-web starts its WASM threads from this same file (names starting 'em-pthread'): leave theirs alone.
if (!self.name?.startsWith('em-pthread')) {
  self.onmessage = (message: MessageEvent<OverheadRequest>) =>
    void run(message.data).then(
      (answer) => self.postMessage({ answer }),
      (error: unknown) => self.postMessage({ error: String(error) }),
    );
}
