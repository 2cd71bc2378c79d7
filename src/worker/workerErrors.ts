// Failures the worker itself detects (no adapter, device lost, float16 on a GPU without shader-f16) and the one
// function that turns any thrown value into the `{ name, code, message }` that crosses to the app.
import { EngineError, ValidationError } from '../engine';
import { StoredWeightsError } from '../models/readStoredFile';
import type { SerializedError } from './protocol';

export type WorkerErrorCode = 'no_adapter' | 'device_lost' | 'out_of_memory' | 'fp16_unsupported' | 'worker_crashed';

export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/**
 * Allocation failures as ONNX Runtime (C++ bad_alloc, its arena), Emscripten (heap growth past the 4 GiB wasm32
 * limit), V8 (ArrayBuffer allocation) and WebGPU (Dawn's out-of-memory errors) word them.
 */
const OUT_OF_MEMORY =
  /out of memory|\boom\b|bad_alloc|failed to allocate|allocation failed|could not allocate|cannot enlarge memory|maximum memory size exceeded|memory limit/i;

/** ORT's WebGPU provider refusing a float16 kernel: "Program Gemm requires f16 but the device does not support it". */
const NEEDS_SHADER_F16 = /requires f16|shader-f16/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  // Emscripten may throw a bare number (a pointer to a C++ exception); say so rather than printing "1234567".
  if (typeof error === 'number') return `onnxruntime aborted with native exception ${error}`;
  return String(error);
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof ValidationError) {
    return { name: error.name, code: error.code, message: error.message, fieldErrors: error.errors };
  }
  if (error instanceof EngineError || error instanceof WorkerError || error instanceof StoredWeightsError) {
    return { name: error.name, code: error.code, message: error.message };
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = messageOf(error);
  if (NEEDS_SHADER_F16.test(message)) {
    return {
      name,
      code: 'fp16_unsupported',
      message: `This model computes in float16, which this GPU's WebGPU does not support (no shader-f16): ${message}`,
    };
  }
  if (OUT_OF_MEMORY.test(message)) {
    return { name, code: 'out_of_memory', message: `Out of memory (try a smaller size or fewer outputs): ${message}` };
  }
  return { name, code: 'unknown', message };
}
