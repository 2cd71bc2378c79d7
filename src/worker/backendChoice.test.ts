// chooseBackend and friends: which provider runs for each preference, adapter and model type, and the reasons
// shown when a faster one is not used.
import { describe, expect, it } from 'vitest';
import { adapterName, chooseBackend, sessionOptions, usesFloat16, wasmThreads, type AdapterFacts, type PlatformFacts } from './backendChoice';
import { WorkerError } from './workerErrors';

const HARDWARE_GPU: AdapterFacts = { vendor: 'nvidia', architecture: 'ampere', description: '', isFallback: false, shaderF16: true };
const SWIFTSHADER: AdapterFacts = { vendor: 'google', architecture: 'swiftshader', description: '', isFallback: true, shaderF16: false };

const facts = (adapter: AdapterFacts | null, extra: Partial<PlatformFacts> = {}): PlatformFacts => ({
  adapter,
  crossOriginIsolated: true,
  hardwareConcurrency: 8,
  ...(adapter ? {} : { noAdapterReason: 'no WebGPU adapter' }),
  ...extra,
});

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as WorkerError).code;
  }
  return 'no error';
};

describe('wasmThreads', () => {
  it('needs cross-origin isolation for more than one thread, and uses at most 4', () => {
    expect(wasmThreads({ crossOriginIsolated: false, hardwareConcurrency: 8 })).toEqual({ threads: 1, reason: 'not cross-origin isolated: 1 thread' });
    expect(wasmThreads({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toEqual({ threads: 2 });
    expect(wasmThreads({ crossOriginIsolated: true, hardwareConcurrency: 16 })).toEqual({ threads: 4 });
    expect(wasmThreads({ crossOriginIsolated: true, hardwareConcurrency: 1 }).threads).toBe(1);
  });
});

describe('adapterName', () => {
  it('names SwiftShader, hardware adapters by vendor and architecture, and prefers a description', () => {
    expect(adapterName(SWIFTSHADER)).toBe('SwiftShader');
    expect(adapterName(HARDWARE_GPU)).toBe('NVIDIA ampere');
    expect(adapterName({ ...HARDWARE_GPU, description: 'NVIDIA GeForce RTX 3080' })).toBe('NVIDIA GeForce RTX 3080');
  });
});

describe('chooseBackend', () => {
  it("'auto' takes a hardware adapter", () => {
    expect(chooseBackend('auto', facts(HARDWARE_GPU), undefined)).toEqual({
      kind: 'webgpu', label: 'WebGPU · NVIDIA ampere', reasons: [], threads: 4, adapter: 'NVIDIA ampere',
    });
  });

  it("'auto' falls back to WASM without an adapter, on a software adapter, and for fp16 without shader-f16", () => {
    expect(chooseBackend('auto', facts(null), undefined)).toMatchObject({ kind: 'wasm', label: 'WASM · 4 threads', reasons: ['no WebGPU adapter'] });
    const software = chooseBackend('auto', facts(SWIFTSHADER, { hardwareConcurrency: 2 }), undefined);
    expect(software).toMatchObject({ kind: 'wasm', label: 'WASM · 2 threads' });
    expect(software.reasons[0]).toContain('SwiftShader');
    const noF16 = chooseBackend('auto', facts({ ...HARDWARE_GPU, shaderF16: false }), 'float16');
    expect(noF16).toMatchObject({ kind: 'wasm', reasons: ['fp16 model needs shader-f16, which this GPU lacks'] });
    expect(chooseBackend('auto', facts(HARDWARE_GPU), 'float16').kind).toBe('webgpu');
  });

  it('says why WASM runs on one thread', () => {
    const info = chooseBackend('auto', facts(null, { crossOriginIsolated: false }), undefined);
    expect(info).toMatchObject({ label: 'WASM · 1 thread', threads: 1 });
    expect(info.reasons).toEqual(['no WebGPU adapter', 'not cross-origin isolated: 1 thread']);
  });

  it("honours an explicit 'webgpu' on a software adapter, and refuses it without an adapter or for fp16 without shader-f16", () => {
    const info = chooseBackend('webgpu', facts(SWIFTSHADER), undefined);
    expect(info).toMatchObject({ kind: 'webgpu', label: 'WebGPU · SwiftShader' });
    expect(info.reasons[0]).toContain('software');
    expect(codeOf(() => chooseBackend('webgpu', facts(null), undefined))).toBe('no_adapter');
    expect(codeOf(() => chooseBackend('webgpu', facts(SWIFTSHADER), 'float16'))).toBe('fp16_unsupported');
  });

  it("'wasm' runs WASM, noting the choice only when a usable GPU was passed over", () => {
    expect(chooseBackend('wasm', facts(HARDWARE_GPU), undefined)).toMatchObject({ kind: 'wasm', reasons: ['WASM chosen in settings'] });
    expect(chooseBackend('wasm', facts(SWIFTSHADER), undefined).reasons).toEqual([]);
  });
});

describe('usesFloat16', () => {
  it('looks at graph inputs and outputs', () => {
    const info = (type: string) => ({ name: 'x', type });
    expect(usesFloat16({ inputs: [info('int32')], outputs: [info('float16')] })).toBe(true);
    expect(usesFloat16({ inputs: [info('float16')], outputs: [] })).toBe(true);
    expect(usesFloat16({ inputs: [info('int64')], outputs: [info('float32')] })).toBe(false);
  });
});

describe('sessionOptions', () => {
  it('keeps float16 weights float16 on WASM (graph optimizations basic), and float32 models fully optimized', () => {
    expect(sessionOptions({ kind: 'wasm' }, 'unet', 'float16')).toMatchObject({ executionProviders: ['wasm'], graphOptimizationLevel: 'basic' });
    expect(sessionOptions({ kind: 'wasm' }, 'unet', 'float32').graphOptimizationLevel).toBeUndefined();
    expect(sessionOptions({ kind: 'wasm' }, 'vae_decoder', undefined).graphOptimizationLevel).toBeUndefined();
  });

  it('keeps the text embeddings on the GPU with WebGPU, and only them', () => {
    expect(sessionOptions({ kind: 'webgpu' }, 'text_encoder', 'float16')).toMatchObject({ executionProviders: ['webgpu'], preferredOutputLocation: 'gpu-buffer' });
    expect(sessionOptions({ kind: 'webgpu' }, 'unet', 'float16').preferredOutputLocation).toBeUndefined();
    expect(sessionOptions({ kind: 'webgpu' }, 'unet', 'float16').graphOptimizationLevel).toBeUndefined();
  });
});
