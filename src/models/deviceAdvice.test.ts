// Device advice: which finding makes a model not run here, or run slowly, in words a user reads.
import { describe, expect, it } from 'vitest';
import { adviseModel, type DeviceFacts, type ModelNeeds } from './deviceAdvice';

const turbo: ModelNeeds = { dtype: 'float16', needsShaderF16: true, bytesToStore: 2.58e9, totalBytes: 2.58e9, largestFileBytes: 1.73e9 };
const gpu = (extra: Partial<NonNullable<DeviceFacts['adapter']>> = {}): DeviceFacts => ({
  adapter: { description: 'NVIDIA H100', isFallback: false, shaderF16: true, maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31, ...extra },
  storageFreeBytes: 100e9,
});

describe('adviseModel', () => {
  it('says a float16 model runs on a GPU with shader-f16 and room', () => {
    expect(adviseModel(turbo, gpu())).toEqual({ verdict: 'runs', reasons: [] });
  });

  it('says it runs slowly without shader-f16, on a software adapter, or without WebGPU', () => {
    expect(adviseModel(turbo, gpu({ shaderF16: false }))).toMatchObject({ verdict: 'slow', reasons: [expect.stringContaining('no shader-f16')] });
    expect(adviseModel(turbo, gpu({ isFallback: true, description: 'SwiftShader' }))).toMatchObject({ verdict: 'slow', reasons: [expect.stringContaining('software one (SwiftShader)')] });
    expect(adviseModel(turbo, { adapter: null, noAdapterReason: 'this browser has no WebGPU' })).toMatchObject({ verdict: 'slow', reasons: [expect.stringContaining('no WebGPU (this browser has no WebGPU)')] });
  });

  it('warns when the GPU\'s largest buffer is below what attention needs at 512²', () => {
    const advice = adviseModel(turbo, gpu({ maxStorageBufferBindingSize: 128 * 1024 * 1024 }));
    expect(advice.verdict).toBe('slow');
    expect(advice.reasons[0]).toMatch(/largest buffer is 134 MB; the UNet's attention at 512² needs 268 MB/);
  });

  it('says it will not run when a file cannot fit WebAssembly memory, storage is short, or memory is small', () => {
    const sd15 = { ...turbo, dtype: 'float32' as const, needsShaderF16: false, largestFileBytes: 3_438_083_840 };
    expect(adviseModel(sd15, gpu())).toMatchObject({ verdict: 'no', reasons: [expect.stringContaining("does not fit onnxruntime-web's 4 GiB WebAssembly memory")] });
    expect(adviseModel(turbo, { ...gpu(), storageFreeBytes: 1e9 })).toMatchObject({ verdict: 'no', reasons: [expect.stringContaining('needs 2.6 GB of storage; 1.0 GB is free')] });
    expect(adviseModel(turbo, { ...gpu(), deviceMemoryGb: 2 })).toMatchObject({ verdict: 'no', reasons: [expect.stringContaining('reports 2 GB of memory')] });
  });

  it('does not count storage for a model already stored', () => {
    expect(adviseModel({ ...turbo, bytesToStore: 0 }, { ...gpu(), storageFreeBytes: 0 })).toMatchObject({ verdict: 'runs' });
  });
});

describe('adviseModel on a tiny model', () => {
  it('does not call the CPU slow for a model of a few megabytes', () => {
    const demo: ModelNeeds = { dtype: 'float32', needsShaderF16: false, bytesToStore: 0, totalBytes: 1.8e6, largestFileBytes: 1e6 };
    expect(adviseModel(demo, { adapter: null, noAdapterReason: 'no WebGPU adapter' })).toEqual({ verdict: 'runs', reasons: [] });
  });
});
