// Validation errors of the prediction contract, shared by every backend (the engine, the worker, the remote
// clients, the server): one FieldError per failing field, saying what was expected and what came.

/** One field of a prediction input failed validation. */
export interface FieldError {
  field: string;
  expected: string;
  got: string;
  message: string;
}

/** A prediction input was rejected; `errors` lists every failing field, not only the first. */
export class ValidationError extends Error {
  readonly code = 'invalid_input';
  readonly errors: FieldError[];
  constructor(errors: FieldError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ValidationError';
    this.errors = errors;
  }
  /** The error for one field, if that field failed. */
  forField(field: string): FieldError | undefined {
    return this.errors.find((e) => e.field === field);
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
