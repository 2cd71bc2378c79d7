// Benchmark sections in Node (onnxruntime-node): the engine's cost over bare ONNX Runtime — a full text-to-image job
// through the engine against a straight loop over the SAME sessions with the same inputs, A/B alternated in one
// process — per scheduler family, and the time per stage (tokenize, text encoder, UNet, scheduler + guidance,
// noise draws, VAE decode, post-processing, session creation).
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createGenerator, loadStableDiffusionModel, textToImage, type ModelComponent, type ModelSource } from '../src/engine';
import { wrapOrtSession, type OrtApi } from '../src/runtime/OrtModelSession';
import { directoryModelSource } from '../src/runtime/directoryModelSource';
import { NODE_SESSION_OPTIONS } from '../src/runtime/nodeSessionOptions';
import { summarize, type Summary } from './stats';

export interface OverheadRow {
  scheduler: string;
  /** engine time / bare time, per A/B pair. */
  ratio: Summary;
  engineMs: Summary;
  bareMs: Summary;
}

export interface StageRow {
  stage: string;
  ms: Summary;
}

const COMPONENTS: ModelComponent[] = ['text_encoder', 'unet', 'vae_decoder'];

interface Setup {
  sessions: Map<ModelComponent, ort.InferenceSession>;
  source: ModelSource;
}

/** One set of onnxruntime-node sessions, shared by the engine (through a ModelSource) and the bare loop. */
async function openSessions(modelDir: string): Promise<Setup> {
  const sessions = new Map<ModelComponent, ort.InferenceSession>();
  for (const component of COMPONENTS) sessions.set(component, await ort.InferenceSession.create(join(modelDir, component, 'model.onnx'), NODE_SESSION_OPTIONS));
  const files = directoryModelSource(modelDir, ort as unknown as OrtApi);
  const source: ModelSource = {
    ...files,
    hasComponent: async (component) => sessions.has(component),
    // The engine gets the very sessions the bare loop runs: the comparison measures the engine, not ORT.
    createSession: async (component) => ({ ...wrapOrtSession(ort as unknown as OrtApi, sessions.get(component) as never), release: async () => undefined }),
  };
  return { sessions, source };
}

interface JobShape {
  size: number;
  steps: number;
  guidance: number;
}

/**
 * The bare loop: what any SD runner must do at minimum with these sessions — two text encoder runs, two UNet runs
 * per step on fixed inputs (no scheduler, no guidance math), one VAE decode — and nothing else.
 */
async function bareLoop(setup: Setup, ids: { cond: Int32Array; uncond: Int32Array }, shape: JobShape): Promise<number> {
  const te = setup.sessions.get('text_encoder')!;
  const unet = setup.sessions.get('unet')!;
  const vae = setup.sessions.get('vae_decoder')!;
  const latent = shape.size / 8;
  const sample = new ort.Tensor('float32', new Float32Array(4 * latent * latent).fill(0.1), [1, 4, latent, latent]);
  const start = performance.now();
  const cond = (await te.run({ input_ids: new ort.Tensor('int32', ids.cond, [1, 77]) })).last_hidden_state;
  const uncond = shape.guidance > 1 ? (await te.run({ input_ids: new ort.Tensor('int32', ids.uncond, [1, 77]) })).last_hidden_state : undefined;
  for (let i = 0; i < shape.steps; i++) {
    const timestep = new ort.Tensor('int64', new BigInt64Array([BigInt(999 - i * 40)]), [1]);
    if (uncond) await unet.run({ sample, timestep, encoder_hidden_states: uncond });
    await unet.run({ sample, timestep, encoder_hidden_states: cond });
  }
  await vae.run({ latent_sample: sample });
  return performance.now() - start;
}

export async function nodeOverhead(modelDir: string, options: { pairs: number; shape: JobShape; schedulers: string[] }): Promise<{ rows: OverheadRow[]; stages: StageRow[] }> {
  const setup = await openSessions(modelDir);
  const model = await loadStableDiffusionModel(setup.source);
  const prompt = 'a lighthouse on a cliff at dusk';
  const ids = { cond: model.tokenizer.tokenize(prompt), uncond: model.tokenizer.tokenize('') };
  const input = { prompt, width: options.shape.size, height: options.shape.size, num_inference_steps: options.shape.steps, guidance_scale: options.shape.guidance, seed: 1 };
  // Warm-up of both paths: JIT, ORT's first-run allocations.
  await textToImage(model, { ...input, num_inference_steps: 2 });
  await bareLoop(setup, ids, { ...options.shape, steps: 2 });

  const rows: OverheadRow[] = [];
  const stageSamples: Record<string, number[]> = {};
  const addStage = (stage: string, ms: number) => (stageSamples[stage] ??= []).push(ms);
  for (const scheduler of options.schedulers) {
    const ratios: number[] = [];
    const engine: number[] = [];
    const bare: number[] = [];
    for (let pair = 0; pair < options.pairs; pair++) {
      // Alternate which goes first, so drift in the machine's speed falls on both equally.
      const runEngine = async () => {
        const started = performance.now();
        const result = await textToImage(model, { ...input, scheduler });
        const total = performance.now() - started;
        if (scheduler === options.schedulers[0]) {
          addStage('text encoder (both prompts)', result.timings.encodePromptMs);
          addStage('UNet per step', result.timings.unetMs / options.shape.steps);
          addStage('scheduler + guidance per step', result.timings.engineMsPerStep);
          addStage('VAE decode + post-processing', result.timings.decodeMs);
        }
        return total;
      };
      const order = pair % 2 === 0 ? ['engine', 'bare'] : ['bare', 'engine'];
      const times: Record<string, number> = {};
      for (const which of order) times[which] = which === 'engine' ? await runEngine() : await bareLoop(setup, ids, options.shape);
      engine.push(times.engine);
      bare.push(times.bare);
      ratios.push(times.engine / times.bare);
    }
    rows.push({ scheduler, ratio: summarize(ratios), engineMs: summarize(engine), bareMs: summarize(bare) });
  }

  // Stages the job timings don't separate.
  const latentCount = 4 * (options.shape.size / 8) ** 2;
  for (let r = 0; r < 5; r++) {
    let started = performance.now();
    model.tokenizer.tokenize(prompt);
    addStage('tokenize', performance.now() - started);
    const generator = createGenerator(r);
    started = performance.now();
    generator.randn([latentCount]);
    addStage(`noise draw (${latentCount} torch-exact normals)`, performance.now() - started);
    started = performance.now();
    const session = await ort.InferenceSession.create(join(modelDir, 'unet', 'model.onnx'), NODE_SESSION_OPTIONS);
    addStage('UNet session creation', performance.now() - started);
    await session.release();
  }
  await model.release();
  for (const session of setup.sessions.values()) await session.release();
  return { rows, stages: Object.entries(stageSamples).map(([stage, ms]) => ({ stage, ms: summarize(ms) })) };
}
