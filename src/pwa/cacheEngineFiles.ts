// Keeps the onnxruntime wasm this device uses for offline starts: the service worker caches it when it passes
// through, but the very first load may fetch it before the worker controls the page, so the page stores it in the
// same cache as soon as it knows which build runs (the plain WASM build, or the WebGPU one).
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webGpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { BackendInfo } from '../predictions/backends';

/** The runtime cache vite.config.ts gives the service worker's wasm route. */
const ENGINE_CACHE = 'sd-studio-engine';

export async function cacheEngineFiles(backend: BackendInfo): Promise<void> {
  if (backend.kind === 'remote' || typeof caches === 'undefined' || !import.meta.env.PROD) return;
  const url = new URL(backend.kind === 'webgpu' ? webGpuWasmUrl : plainWasmUrl, globalThis.location.href).href;
  try {
    const cache = await caches.open(ENGINE_CACHE);
    if (!(await cache.match(url))) await cache.add(url);
  } catch {
    // No room, or no Cache Storage: the app still runs online.
  }
}
