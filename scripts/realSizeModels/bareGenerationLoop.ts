// A bare text-to-image loop over real-size sessions, for timing only (the weights are random): encode the prompt
// (and the empty prompt with guidance, as one batch of 2), run the UNet once per step (batch 2 with guidance) with
// an Euler update (Karras et al. 2022, Algorithm 2 without churn) in between, decode with the VAE or TAESD. It is
// what ONNX Runtime alone costs, the floor the engine's own loop is compared with. Runtime-neutral.
import { fromFloat16Array, toFloat16Array } from '../../src/engine/float32';
import { median } from './benchTiming';
import type { FeedData, InputMetadata } from './syntheticFeeds';
import { syntheticFeeds } from './syntheticFeeds';

export interface LoopOutput {
  type: string;
  data: unknown;
  dims: readonly number[];
}

/** What the loop needs of a session, on any runtime (onnxruntime-node, -web on WASM or WebGPU). */
export interface LoopSession {
  readonly inputMetadata: readonly InputMetadata[];
  run(feeds: Record<string, FeedData>): Promise<Record<string, LoopOutput>>;
}

export interface GenerationPlan {
  steps: number;
  guidance: boolean;
  decoder: 'vae_decoder' | 'taesd_decoder';
  latentSize: number;
}

export interface GenerationTimes {
  plan: GenerationPlan;
  textEncoderMs: number;
  unetStepMs: number[];
  medianUnetStepMs: number;
  decoderMs: number;
  totalMs: number;
}

/** SD's scaled-linear betas → Euler sigmas at `steps` trailing timesteps, then 0 (diffusers EulerDiscreteScheduler). */
function eulerSigmas(steps: number): { timesteps: number[]; sigmas: number[] } {
  const alphasCumprod: number[] = [];
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    const beta = (Math.sqrt(0.00085) + (t / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085))) ** 2;
    product *= 1 - beta;
    alphasCumprod.push(product);
  }
  const timesteps = Array.from({ length: steps }, (_, i) => Math.round(1000 - (i * 1000) / steps) - 1);
  const sigmas = timesteps.map((t) => Math.sqrt((1 - alphasCumprod[t]) / alphasCumprod[t]));
  return { timesteps, sigmas: [...sigmas, 0] };
}

function asFloat32(output: LoopOutput): Float32Array {
  return output.type === 'float16' ? fromFloat16Array(output.data as Uint16Array) : (output.data as Float32Array);
}

function floatFeed(like: FeedData, values: Float32Array, dims: number[]): FeedData {
  return like.type === 'float16' ? { type: 'float16', data: toFloat16Array(values), dims } : { type: 'float32', data: values, dims };
}

export async function runBareGeneration(
  sessions: { text_encoder: LoopSession; unet: LoopSession; decoder: LoopSession },
  plan: GenerationPlan,
): Promise<GenerationTimes> {
  const started = performance.now();
  const batch = plan.guidance ? 2 : 1;
  const size = { batch, latentSize: plan.latentSize, tokens: 77 };

  // 1. Prompt (and empty prompt) states in one text-encoder run.
  let t = performance.now();
  const encoded = await sessions.text_encoder.run(syntheticFeeds('text_encoder', size, sessions.text_encoder.inputMetadata));
  const textEncoderMs = performance.now() - t;
  const states = encoded.last_hidden_state;

  // 2. Denoising: x starts as σ_max·noise; the UNet sees x / sqrt(σ² + 1) and predicts the noise ε.
  const template = syntheticFeeds('unet', size, sessions.unet.inputMetadata);
  const latentDims = template.sample.dims.slice(1);
  const perImage = latentDims.reduce((a, b) => a * b, 1);
  const { timesteps, sigmas } = eulerSigmas(plan.steps);
  const noise = asFloat32({ type: template.sample.type, data: template.sample.data, dims: template.sample.dims }).subarray(0, perImage);
  let latents = noise.map((v) => v * sigmas[0]);
  const unetStepMs: number[] = [];
  for (let i = 0; i < plan.steps; i++) {
    const scale = 1 / Math.sqrt(sigmas[i] ** 2 + 1);
    const input = new Float32Array(batch * perImage);
    for (let b = 0; b < batch; b++) input.set(latents.map((v) => v * scale), b * perImage);
    const timestep = template.timestep;
    const feeds: Record<string, FeedData> = {
      sample: floatFeed(template.sample, input, [batch, ...latentDims]),
      timestep: timestep.type === 'int64'
        ? { ...timestep, data: new BigInt64Array(timestep.data.length).fill(BigInt(timesteps[i])) }
        : floatFeed(timestep, new Float32Array(timestep.data.length).fill(timesteps[i]), timestep.dims),
      encoder_hidden_states: { type: states.type as FeedData['type'], data: states.data as FeedData['data'], dims: [...states.dims] },
    };
    t = performance.now();
    const output = asFloat32((await sessions.unet.run(feeds)).out_sample);
    unetStepMs.push(performance.now() - t);
    // Classifier-free guidance (Ho & Salimans 2022) at 7.5: ε = ε_uncond + 7.5·(ε_text − ε_uncond).
    const epsilon = plan.guidance
      ? output.subarray(0, perImage).map((u, j) => u + 7.5 * (output[perImage + j] - u))
      : output.subarray(0, perImage);
    latents = latents.map((v, j) => v + (sigmas[i + 1] - sigmas[i]) * epsilon[j]);
  }

  // 3. Decode (the VAE takes latents / 0.18215; TAESD takes them as they are).
  const decoderScale = plan.decoder === 'vae_decoder' ? 1 / 0.18215 : 1;
  const decoderTemplate = syntheticFeeds(plan.decoder, { ...size, batch: 1 }, sessions.decoder.inputMetadata).latent_sample;
  t = performance.now();
  await sessions.decoder.run({ latent_sample: floatFeed(decoderTemplate, latents.map((v) => v * decoderScale), decoderTemplate.dims) });
  const decoderMs = performance.now() - t;
  return {
    plan,
    textEncoderMs,
    unetStepMs,
    medianUnetStepMs: median(unetStepMs),
    decoderMs,
    totalMs: performance.now() - started,
  };
}
