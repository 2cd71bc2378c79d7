// Which execution provider runs a model, from facts about the browser (WebGPU adapter, cross-origin isolation,
// cores) and the model (float16 or not), with the reasons a faster choice was not made. Pure, so it is unit-tested.
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelComponent, ModelSession } from '../engine';
import type { BackendInfo, BackendPreference, ModelDtype } from './protocol';
import { WorkerError } from './workerErrors';

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  description: string;
  /** A software adapter (SwiftShader): it works, but runs about 100x slower than WASM. */
  isFallback: boolean;
  /** float16 arithmetic in shaders; without it ORT's WebGPU provider refuses float16 kernels. */
  shaderF16: boolean;
}

export interface PlatformFacts {
  /** null when there is no WebGPU adapter; `noAdapterReason` then says why. */
  adapter: AdapterFacts | null;
  noAdapterReason?: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

/**
 * More WASM threads stop paying off beyond 4 for these graphs (memory-bound convolutions), and every thread keeps
 * its own scratch buffers; onnxruntime-web's own default stops at 4 as well.
 */
export const MAX_WASM_THREADS = 4;

export const FP16_NEEDS_SHADER_F16 = 'fp16 model needs shader-f16, which this GPU lacks';

/** WebGPU cannot run this model here; 'auto' reacts by loading it on WASM instead. */
export function fp16UnsupportedError(): WorkerError {
  return new WorkerError('fp16_unsupported', `This ${FP16_NEEDS_SHADER_F16}: choose WASM (or Auto) to run it.`);
}

export function wasmThreads(facts: Pick<PlatformFacts, 'crossOriginIsolated' | 'hardwareConcurrency'>): { threads: number; reason?: string } {
  // Threads share memory through SharedArrayBuffer, which browsers only allow on cross-origin isolated pages.
  if (!facts.crossOriginIsolated) return { threads: 1, reason: 'not cross-origin isolated: 1 thread' };
  const cores = Math.max(1, Math.floor(facts.hardwareConcurrency || 1));
  if (cores === 1) return { threads: 1, reason: 'one CPU core: 1 thread' };
  return { threads: Math.min(cores, MAX_WASM_THREADS) };
}

const VENDOR_NAMES: Record<string, string> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
  qualcomm: 'Qualcomm',
  arm: 'Arm',
  google: 'Google',
  microsoft: 'Microsoft',
};

/** A short adapter name: "SwiftShader", "NVIDIA ampere", or the description when the browser gives one. */
export function adapterName(adapter: AdapterFacts): string {
  if (adapter.description) return adapter.description;
  if (adapter.architecture.toLowerCase() === 'swiftshader') return 'SwiftShader';
  const vendor = VENDOR_NAMES[adapter.vendor.toLowerCase()] ?? adapter.vendor;
  return [vendor, adapter.architecture].filter(Boolean).join(' ') || 'unknown GPU';
}

function wasmInfo(facts: PlatformFacts, reasons: string[]): BackendInfo {
  const { threads, reason } = wasmThreads(facts);
  return {
    kind: 'wasm',
    label: `WASM · ${threads} ${threads === 1 ? 'thread' : 'threads'}`,
    reasons: reason ? [...reasons, reason] : reasons,
    threads,
    adapter: facts.adapter ? adapterName(facts.adapter) : undefined,
  };
}

function webgpuInfo(facts: PlatformFacts, adapter: AdapterFacts): BackendInfo {
  const name = adapterName(adapter);
  return {
    kind: 'webgpu',
    label: `WebGPU · ${name}`,
    reasons: adapter.isFallback ? [`${name} is a software adapter: slower than WASM`] : [],
    // Operators the WebGPU provider lacks fall back to the CPU provider, which uses these threads.
    threads: wasmThreads(facts).threads,
    adapter: name,
  };
}

/**
 * 'auto' takes WebGPU on a hardware adapter that can run the model, WASM otherwise. An explicit 'webgpu' is
 * honoured even on a software adapter, but fails loudly when there is no adapter or the model needs float16
 * shaders the adapter lacks (it would fail on its first kernel anyway).
 */
export function chooseBackend(preference: BackendPreference, facts: PlatformFacts, dtype: ModelDtype | undefined): BackendInfo {
  const { adapter } = facts;
  const lacksF16 = adapter !== null && dtype === 'float16' && !adapter.shaderF16;
  if (preference === 'webgpu') {
    if (!adapter) throw new WorkerError('no_adapter', `WebGPU was requested, but ${facts.noAdapterReason ?? 'there is no WebGPU adapter'}.`);
    if (lacksF16) throw fp16UnsupportedError();
    return webgpuInfo(facts, adapter);
  }
  if (preference === 'wasm') {
    return wasmInfo(facts, adapter && !adapter.isFallback && !lacksF16 ? ['WASM chosen in settings'] : []);
  }
  if (!adapter) return wasmInfo(facts, [facts.noAdapterReason ?? 'no WebGPU adapter']);
  if (lacksF16) return wasmInfo(facts, [FP16_NEEDS_SHADER_F16]);
  if (adapter.isFallback) return wasmInfo(facts, [`the only WebGPU adapter is ${adapterName(adapter)}, a software one slower than WASM`]);
  return webgpuInfo(facts, adapter);
}

/** Whether a graph reads or writes float16 tensors (exports converted to fp16 do both at their boundaries). */
export function usesFloat16(session: Pick<ModelSession, 'inputs' | 'outputs'>): boolean {
  return [...session.inputs, ...session.outputs].some((info) => info.type === 'float16');
}

/**
 * Errors only in the console: ORT warns on every WebGPU session that it placed shape ops on the CPU, which it does
 * on purpose.
 */
const ERRORS_ONLY = 3;

/**
 * The onnxruntime-web session options for one graph of a model of `dtype` on `backend`.
 * - WASM, float16 weights: graph optimizations 'basic'. At the default level the CPU provider turns every float16
 *   weight into float32 when the session is created (a 1.7 GB fp16 UNet took 4.1 GB in onnxruntime-node), so a
 *   real fp16 UNet fails its first run in the 4 GB WASM heap with std::bad_alloc; at 'basic' the weights stay
 *   float16 and are widened per operation (measured with scripts/realSizeModels, see its README).
 * - WebGPU: the text embeddings stay on the GPU (they go back into the UNet at every step: one download and one
 *   upload per step saved; the engine disposes them when the job ends). The UNet output must come back: the
 *   scheduler runs in JS.
 */
export function sessionOptions(
  backend: Pick<BackendInfo, 'kind'>,
  component: ModelComponent,
  dtype: ModelDtype | undefined,
): InferenceSession.SessionOptions {
  if (backend.kind === 'wasm') {
    const wasm = { executionProviders: ['wasm'], logSeverityLevel: ERRORS_ONLY } as const;
    return dtype === 'float16' ? { ...wasm, graphOptimizationLevel: 'basic' } : wasm;
  }
  const webgpu = { executionProviders: ['webgpu'], logSeverityLevel: ERRORS_ONLY } as const;
  return component === 'text_encoder' ? { ...webgpu, preferredOutputLocation: 'gpu-buffer' } : webgpu;
}
