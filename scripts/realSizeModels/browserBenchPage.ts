// The page side of the real-size browser benchmarks (bundled by esbuild, served by browserBenchServer.ts): loads
// onnxruntime-web's plain WASM or WebGPU build, creates sessions from /models/<component>/ with their external data,
// and exposes `window.realSizeBench` for Playwright: the peak MatMul, one component's timed runs, a bare generation.
import type * as OrtWeb from 'onnxruntime-web';
import { runBareGeneration, type GenerationPlan, type LoopSession } from './bareGenerationLoop';
import { timeAlternating, timeRuns, type RunCounts } from './benchTiming';
import { matMulOperands, PEAK_MATMUL_SIZE } from './matMulPeakGraph';
import type { ComponentName, EvaluationSize } from './realSizeComponents';
import { syntheticFeeds, type FeedData } from './syntheticFeeds';

type Ort = typeof OrtWeb;
export type ExecutionProvider = 'wasm' | 'webgpu';
let ort: Ort;

function tensors(feeds: Record<string, FeedData>): Record<string, OrtWeb.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.type, f.data as never, f.dims)]));
}

/** Session options a benchmark may vary (e.g. the graph optimisation level, which decides fp16 weight upcasting). */
export type TunableOptions = Pick<OrtWeb.InferenceSession.SessionOptions, 'graphOptimizationLevel' | 'enableMemPattern' | 'enableCpuMemArena'>;

async function createSession(component: string, provider: ExecutionProvider, options: TunableOptions = {}): Promise<OrtWeb.InferenceSession> {
  const base = `/models/${component}`;
  return ort.InferenceSession.create(`${base}/model.onnx`, {
    ...options,
    executionProviders: [provider],
    externalData: [{ path: 'model.onnx_data', data: `${base}/model.onnx_data` }],
  });
}

function loopSession(session: OrtWeb.InferenceSession): LoopSession {
  return {
    inputMetadata: session.inputMetadata as LoopSession['inputMetadata'],
    async run(feeds) {
      const outputs = await session.run(tensors(feeds));
      return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]));
    },
  };
}

let peakRun: (() => Promise<unknown>) | null = null;

/** One run of the 2048³ MatMul on the WASM provider; the session is created once per page. */
async function peakMatMul(): Promise<() => Promise<unknown>> {
  if (!peakRun) {
    const session = await ort.InferenceSession.create('/matmul.onnx', { executionProviders: ['wasm'] });
    const { a, b } = matMulOperands();
    const dims = [PEAK_MATMUL_SIZE, PEAK_MATMUL_SIZE];
    const feeds = { a: new ort.Tensor('float32', a, dims), b: new ort.Tensor('float32', b, dims) };
    peakRun = () => session.run(feeds);
  }
  return peakRun;
}

const api = {
  /** Loads the WASM-only build (`ort.wasm`, 14 MB wasm) or the WebGPU build; `threads` needs cross-origin isolation. */
  async init(build: 'wasm' | 'webgpu', threads: number) {
    ort = (await import(/* @vite-ignore */ `/ort/ort.${build}.min.mjs`)) as Ort;
    ort.env.wasm.wasmPaths = '/ort/';
    ort.env.wasm.numThreads = threads;
    const adapter = build === 'webgpu' ? await (navigator as unknown as { gpu?: { requestAdapter(o?: object): Promise<{ info?: object; features: Set<string> } | null> } }).gpu?.requestAdapter({ powerPreference: 'high-performance' }) : null;
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      userAgent: navigator.userAgent,
      adapter: adapter ? { info: adapter.info ? JSON.parse(JSON.stringify(adapter.info, ['vendor', 'architecture', 'device', 'description'])) : null, shaderF16: adapter.features.has('shader-f16') } : null,
    };
  },

  async peak(counts: RunCounts) {
    const matMul = await peakMatMul();
    return timeRuns(matMul, counts);
  },

  async component(component: ComponentName, size: EvaluationSize, counts: RunCounts, provider: ExecutionProvider, options: TunableOptions = {}) {
    const created = performance.now();
    const session = await createSession(component, provider, options);
    const sessionCreateMs = performance.now() - created;
    try {
      const feeds = syntheticFeeds(component, size, session.inputMetadata as LoopSession['inputMetadata']);
      const inputs = tensors(feeds);
      const matMul = await peakMatMul();
      const { timing, referenceTiming } = await timeAlternating(() => session.run(inputs), matMul, counts);
      const dims = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, f.dims]));
      const output = session.outputMetadata[0];
      return { sessionCreateMs, timing, peakAlongside: referenceTiming, dims, dtype: output && 'type' in output ? output.type : 'unknown' };
    } finally {
      await session.release();
    }
  },

  /** Creates the three sessions once, then runs `repeats` bare generations (the first includes shader compilation). */
  async generation(plan: GenerationPlan, provider: ExecutionProvider, repeats: number) {
    const created = performance.now();
    // One at a time: onnxruntime-web's WebGPU EP rejects a session created while another is being created.
    const text_encoder = loopSession(await createSession('text_encoder', provider));
    const unet = loopSession(await createSession('unet', provider));
    const decoder = loopSession(await createSession(plan.decoder, provider));
    const sessionCreateMs = performance.now() - created;
    const runs = [];
    for (let i = 0; i < repeats; i++) runs.push(await runBareGeneration({ text_encoder, unet, decoder }, plan));
    return { sessionCreateMs, runs };
  },
};

export type RealSizeBenchApi = typeof api;
(self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench = api;
