// The one module that imports onnxruntime-web: loads the build the backend needs on demand (the plain WASM build,
// 14 MB and faster per call on small graphs, unless WebGPU runs: then the WebGPU build), serves its wasm from the
// app (never a CDN), sets the WASM thread count, probes WebGPU, and opens models on the chosen execution provider.
import type * as OrtModule from 'onnxruntime-web';
// Vite emits both wasm files as app assets; only the one a backend loads is ever fetched.
import { loadStableDiffusionModel } from '../engine';
import type { ModelComponent, ModelSession, ModelSource } from '../engine';
import { chooseBackend, fp16UnsupportedError, sessionOptions, usesFloat16, wasmThreads, type PlatformFacts } from './backendChoice';
import type { LoadedModel, ModelLoader } from './EngineHost';
import { httpModelSource } from '../runtime/httpModelSource';
import { indexedDbModelSource } from '../runtime/indexedDbModelSource';
import type { BackendInfo, ModelDtype } from './protocol';

const isolation = { crossOriginIsolated: globalThis.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency };

type Ort = typeof OrtModule;
const builds = new Map<BackendInfo['kind'], Promise<Ort>>();

/** The onnxruntime-web build for a backend, loaded and configured once. */
function ortFor(kind: BackendInfo['kind']): Promise<Ort> {
  let pending = builds.get(kind);
  if (!pending) {
    pending = (async () => {
      const [ort, wasm] =
        kind === 'webgpu'
          ? await Promise.all([import('onnxruntime-web/webgpu'), import('onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url')])
          : await Promise.all([import('onnxruntime-web/wasm'), import('onnxruntime-web/ort-wasm-simd-threaded.wasm?url')]);
      ort.env.wasm.wasmPaths = { wasm: new URL(wasm.default, globalThis.location.href).href };
      // Fixed for the worker's lifetime: onnxruntime-web starts its thread pool with the first session.
      ort.env.wasm.numThreads = wasmThreads(isolation).threads;
      return ort as unknown as Ort;
    })();
    builds.set(kind, pending);
  }
  return pending;
}

async function probeAdapter(): Promise<Pick<PlatformFacts, 'adapter' | 'noAdapterReason'>> {
  if (!('gpu' in navigator)) return { adapter: null, noAdapterReason: 'this browser has no WebGPU' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { adapter: null, noAdapterReason: 'no WebGPU adapter' };
    const { vendor, architecture, description, isFallbackAdapter } = adapter.info;
    return {
      adapter: { vendor, architecture, description, isFallback: isFallbackAdapter === true, shaderF16: adapter.features.has('shader-f16') },
    };
  } catch (error) {
    return { adapter: null, noAdapterReason: `the WebGPU adapter request failed (${(error as Error).message})` };
  }
}

let platform: Promise<PlatformFacts> | undefined;
const platformFacts = () => (platform ??= probeAdapter().then((gpu) => ({ ...gpu, ...isolation })));

/** Resolves with the device's loss message once the first WebGPU session has made onnxruntime create its device. */
function deviceLossWatcher(ort: Ort): { watch(): void; lost: Promise<string> } {
  let report!: (message: string) => void;
  const lost = new Promise<string>((resolve) => (report = resolve));
  let watching = false;
  return {
    lost,
    watch() {
      if (watching) return;
      watching = true;
      // Typed as a Promise, but the WebGPU build (1.30) sets the GPUDevice itself once its first session exists.
      const device: GPUDevice | Promise<GPUDevice> | undefined = ort.env.webgpu.device;
      void Promise.resolve(device).then((gpu) =>
        gpu?.lost.then((info) => report(info.message || `reason: ${info.reason ?? 'unknown'}`)),
      );
    },
  };
}

/** Resolves in a new task, after the messages already waiting for this worker (a cancel) have been handled. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * A WASM run settles in microtasks only, so a denoising loop of them never lets the worker read its messages and a
 * cancel would wait for the whole job. Yielding before each run lets it in (MessageChannel, not setTimeout, which
 * browsers clamp to 4 ms when nested).
 */
function lettingMessagesIn(session: ModelSession): ModelSession {
  return {
    ...session,
    run: async (feeds) => {
      await yieldToEventLoop();
      return session.run(feeds);
    },
  };
}

export const webModelLoader: ModelLoader = {
  async load(ref, preference): Promise<LoadedModel> {
    const facts = await platformFacts();
    const backend = chooseBackend(preference, facts, ref.dtype);
    const ort = await ortFor(backend.kind);
    const optionsFor = (dtype: ModelDtype | undefined) => (component: ModelComponent) => sessionOptions(backend, component, dtype);
    const model = ref.baseUrl ? httpModelSource(ref.baseUrl, ort, optionsFor(ref.dtype)) : await indexedDbModelSource(ref.id, ort, optionsFor(ref.dtype));
    // The fast decoder is a model of its own in the store (TAESD's vae_decoder/, float32): offered as 'taesd_decoder'.
    const taesd = ref.fastDecoderId ? await indexedDbModelSource(ref.fastDecoderId, ort, optionsFor(undefined)).catch(() => undefined) : undefined;
    const files: ModelSource = {
      ...model,
      hasComponent: async (component) => (component === 'taesd_decoder' ? taesd !== undefined : model.hasComponent(component)),
      createSession: (component) => (component === 'taesd_decoder' && taesd ? taesd.createSession('vae_decoder') : model.createSession(component)),
    };
    const device = backend.kind === 'webgpu' ? deviceLossWatcher(ort) : undefined;
    const source: ModelSource = {
      ...files,
      async createSession(component) {
        const session = await files.createSession(component);
        if (device) {
          device.watch();
          // float16 graphs fail on their first kernel without shader-f16; find out now, from the graph's metadata.
          if (!facts.adapter?.shaderF16 && usesFloat16(session)) {
            await session.release();
            throw fp16UnsupportedError();
          }
        }
        return lettingMessagesIn(session);
      },
    };
    return { model: await loadStableDiffusionModel(source, ref.profile), backend, deviceLost: device?.lost };
  },
};
