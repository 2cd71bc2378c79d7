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

/** One field of a prediction input failed validation. */
export interface FieldError {
  field: string;
  expected: string;
  got: string;
  message: string;
}

/** A prediction input was rejected; `errors` lists every failing field, not only the first. */
export class ValidationError extends EngineError {
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super('invalid_input', errors.map((e) => e.message).join('; '));
    this.name = 'ValidationError';
    this.errors = errors;
  }
  /** The error for one field, if that field failed. */
  forField(field: string): FieldError | undefined {
    return this.errors.find((e) => e.field === field);
  }
}

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

/** Formats a received value for an error message without dumping large objects. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
