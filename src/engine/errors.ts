// Typed engine errors. Every error carries a stable string `code` so the worker, the UI and the tests can
// tell failures apart without parsing messages; messages say what was expected, what came and what is valid.

export type EngineErrorCode =
  | 'invalid_input'
  | 'invalid_config'
  | 'unknown_scheduler'
  | 'model_contract'
  | 'non_finite_output'
  | 'cancelled';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }
}

export { ValidationError, describeValue, type FieldError } from '../predictions/errors';

/** A scheduler config key has the wrong type or an unsupported value. */
export class SchedulerConfigError extends EngineError {
  constructor(message: string) {
    super('invalid_config', message);
    this.name = 'SchedulerConfigError';
  }
}

/** An ONNX graph's inputs or outputs do not fit the Stable Diffusion export contract. */
export class ModelContractError extends EngineError {
  constructor(message: string) {
    super('model_contract', message);
    this.name = 'ModelContractError';
  }
}

/** A model produced NaN or Inf: reported instead of decoding a black image. */
export class NonFiniteOutputError extends EngineError {
  constructor(message: string) {
    super('non_finite_output', message);
    this.name = 'NonFiniteOutputError';
  }
}

/**
 * The run was cancelled through its AbortSignal. Named 'AbortError' like the DOM's, so callers that already
 * treat AbortError as "cancelled, not failed" keep doing so.
 */
export class CancelledError extends EngineError {
  constructor(message = 'The run was cancelled.') {
    super('cancelled', message);
    this.name = 'AbortError';
  }
}
