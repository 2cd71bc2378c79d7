// Whether a model will run on this device, and why not: from the WebGPU adapter (present, shader-f16, buffer
// limits), navigator.deviceMemory and the storage quota. Advice, not a gate: the user may still try.
import { formatBytes, type ModelDtype } from './modelManifest';

export interface DeviceFacts {
  /** null when there is no WebGPU adapter (or no WebGPU), with the reason. */
  adapter: null | { description: string; isFallback: boolean; shaderF16: boolean; maxBufferSize: number; maxStorageBufferBindingSize: number };
  noAdapterReason?: string;
  /** navigator.deviceMemory in GB (Chromium rounds it and caps it at 8); undefined where the browser hides it. */
  deviceMemoryGb?: number;
  /** Free storage for this origin (quota - usage), when the browser reports it. */
  storageFreeBytes?: number;
}

export interface ModelNeeds {
  dtype: ModelDtype;
  needsShaderF16: boolean;
  /** Bytes still to store (0 once downloaded). */
  bytesToStore: number;
  /** All the model's bytes, about what it needs in memory. */
  totalBytes: number;
  largestFileBytes: number;
}

export type Verdict = 'runs' | 'slow' | 'no';

export interface DeviceAdvice {
  verdict: Verdict;
  /** One line per finding, worst first; empty when nothing stands in the way. */
  reasons: string[];
}

/** onnxruntime-web runs in 32-bit WebAssembly: a graph and its weights must fit in 4 GiB of memory with room to run. */
const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;
const SMALL_MODEL_BYTES = 100_000_000;
/** SD's UNet attention at a 64×64 latent holds 8 heads × 4096² scores: 268 MB in float16, 537 MB in float32. */
const ATTENTION_BUFFER = { float16: 268_435_456, float32: 536_870_912 } as const;

export function adviseModel(needs: ModelNeeds, facts: DeviceFacts): DeviceAdvice {
  const blocking: string[] = [];
  const slowing: string[] = [];
  if (needs.largestFileBytes + needs.largestFileBytes / 4 > WASM_MEMORY_LIMIT * 0.75) {
    blocking.push(`its largest file (${formatBytes(needs.largestFileBytes)}) does not fit onnxruntime-web's 4 GiB WebAssembly memory with room to run`);
  }
  if (needs.bytesToStore > 0 && facts.storageFreeBytes !== undefined && needs.bytesToStore > facts.storageFreeBytes) {
    blocking.push(`it needs ${formatBytes(needs.bytesToStore)} of storage; ${formatBytes(Math.max(0, facts.storageFreeBytes))} is free for this site`);
  }
  if (facts.deviceMemoryGb !== undefined && facts.deviceMemoryGb * 1e9 < needs.totalBytes * 1.5) {
    // deviceMemory is capped at 8 GB, so this only ever speaks for small devices.
    blocking.push(`this device reports ${facts.deviceMemoryGb} GB of memory; the model needs about ${formatBytes(needs.totalBytes * 1.5)}`);
  }
  // A model this small (the demo) runs in moments on the CPU: the GPU findings below don't apply to it.
  const gpu = facts.adapter;
  if (needs.totalBytes < SMALL_MODEL_BYTES) return { verdict: blocking.length > 0 ? 'no' : 'runs', reasons: blocking };
  if (!gpu) slowing.push(`no WebGPU (${facts.noAdapterReason ?? 'no adapter'}): it would run on the CPU (WASM), minutes per image`);
  else if (gpu.isFallback) slowing.push(`the WebGPU adapter is a software one (${gpu.description}): it would run on the CPU (WASM), minutes per image`);
  else {
    if (needs.needsShaderF16 && !gpu.shaderF16) slowing.push('this GPU has no shader-f16, which this float16 model needs on WebGPU: it would run on the CPU (WASM), minutes per image');
    const attention = ATTENTION_BUFFER[needs.dtype];
    const limit = Math.min(gpu.maxBufferSize, gpu.maxStorageBufferBindingSize);
    if (limit < attention) slowing.push(`this GPU's largest buffer is ${formatBytes(limit)}; the UNet's attention at 512² needs ${formatBytes(attention)}, so WebGPU may fail at that size`);
  }
  const verdict: Verdict = blocking.length > 0 ? 'no' : slowing.length > 0 ? 'slow' : 'runs';
  return { verdict, reasons: [...blocking, ...slowing] };
}

/** Reads the facts in a browser (main thread or worker); every part is optional. */
export async function readDeviceFacts(): Promise<DeviceFacts> {
  const facts: DeviceFacts = { adapter: null };
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  if (typeof nav?.deviceMemory === 'number') facts.deviceMemoryGb = nav.deviceMemory;
  try {
    const estimate = await nav?.storage?.estimate?.();
    if (estimate?.quota !== undefined) facts.storageFreeBytes = estimate.quota - (estimate.usage ?? 0);
  } catch {
    // No estimate: the storage check is skipped.
  }
  if (!nav || !('gpu' in nav)) {
    facts.noAdapterReason = 'this browser has no WebGPU';
    return facts;
  }
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) facts.noAdapterReason = 'no WebGPU adapter';
    else {
      const { vendor, architecture, description, isFallbackAdapter } = adapter.info;
      facts.adapter = {
        description: description || [vendor, architecture].filter(Boolean).join(' ') || 'unknown adapter',
        isFallback: isFallbackAdapter === true || architecture === 'swiftshader',
        shaderF16: adapter.features.has('shader-f16'),
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      };
    }
  } catch (error) {
    facts.noAdapterReason = `the WebGPU adapter request failed (${(error as Error).message})`;
  }
  return facts;
}
