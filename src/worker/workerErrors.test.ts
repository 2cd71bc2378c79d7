// serializeError: engine errors keep their codes (validation errors their fields), runtime failures are classified
// by the messages ONNX Runtime, Emscripten, V8 and WebGPU give them, and anything else is 'unknown'.
import { describe, expect, it } from 'vitest';
import { CancelledError, ModelContractError, NonFiniteOutputError, ValidationError } from '../engine';
import { serializeError, WorkerError } from './workerErrors';

describe('serializeError', () => {
  it('keeps engine codes and names, with the failing fields of a validation error', () => {
    const fields = [{ field: 'width', expected: 'a multiple of 64', got: '500', message: 'width: expected a multiple of 64, got 500' }];
    expect(serializeError(new ValidationError(fields))).toEqual({
      name: 'ValidationError', code: 'invalid_input', message: fields[0].message, fieldErrors: fields,
    });
    expect(serializeError(new ModelContractError('unet: no sample input'))).toMatchObject({ code: 'model_contract', name: 'ModelContractError' });
    expect(serializeError(new NonFiniteOutputError('unet produced NaN'))).toMatchObject({ code: 'non_finite_output' });
    expect(serializeError(new CancelledError())).toMatchObject({ code: 'cancelled', name: 'AbortError' });
    expect(serializeError(new WorkerError('no_adapter', 'no WebGPU adapter'))).toEqual({ name: 'WorkerError', code: 'no_adapter', message: 'no WebGPU adapter' });
  });

  it.each([
    'failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc',
    'Aborted(OOM)',
    'RangeError: Array buffer allocation failed',
    'WebAssembly.Memory.grow(): Maximum memory size exceeded',
    'Cannot enlarge memory arrays to size 4294967296 bytes',
    'Out of memory: Failed to allocate buffer of size 1073741824',
  ])('classifies "%s" as out_of_memory', (message) => {
    const serialized = serializeError(new Error(message));
    expect(serialized.code).toBe('out_of_memory');
    expect(serialized.message).toContain(message);
  });

  it('classifies a float16 kernel refused by WebGPU as fp16_unsupported', () => {
    const serialized = serializeError(new Error('Program Gemm requires f16 but the device does not support it'));
    expect(serialized.code).toBe('fp16_unsupported');
    expect(serialized.message).toContain('shader-f16');
  });

  it('reports other failures as unknown with their message, including non-Error values', () => {
    expect(serializeError(new TypeError('x is not a function'))).toEqual({ name: 'TypeError', code: 'unknown', message: 'x is not a function' });
    expect(serializeError('plain string')).toEqual({ name: 'Error', code: 'unknown', message: 'plain string' });
    expect(serializeError(12345).message).toContain('12345');
  });
});
