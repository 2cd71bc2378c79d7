// The shared validation's field errors (src/predictions/validateInput.ts) in Replicate's 422 shape: `invalid_fields`
// entries typed with the JSON-schema keywords Replicate's validator reports (required, enum, number_gte, …).
import type { FieldError } from '../../src/predictions/errors';
import type { ModeSchema, NumberLimit } from '../../src/predictions/modelSchemas';
import { ProblemError, type InvalidField } from '../httpProblems';

const isAbsent = (value: unknown) => value === undefined || value === null;

function numberRule(value: unknown, limit: NumberLimit, isSize: boolean): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'invalid_type';
  // Replicate's Stable Diffusion schema lists width and height as an enum of the multiples of 64.
  if (isSize) return 'enum';
  if (limit.exclusiveMin ? value <= limit.min : value < limit.min) return limit.exclusiveMin ? 'number_gt' : 'number_gte';
  if (value > limit.max) return 'number_lte';
  if (limit.integer && !Number.isInteger(value)) return 'invalid_type';
  if (limit.multipleOf && value % limit.multipleOf !== 0) return 'multiple_of';
  // Within its own limits yet refused: a rule tying it to another field (prompt_strength × steps must reach one step).
  return 'number_gte';
}

/** The keyword for one failing field, read from the value and the schema rather than from the message text. */
function ruleOf(error: FieldError, input: Record<string, unknown>, schema: ModeSchema): string {
  const value = input[error.field];
  if (!(schema.fields as readonly string[]).includes(error.field)) return 'additional_property_not_allowed';
  if (isAbsent(value)) {
    // Absent and refused: required, or its default breaks a rule tying it to another field.
    return (schema.required as readonly string[]).includes(error.field) ? 'required' : 'number_gte';
  }
  if (error.field === 'image' || error.field === 'mask') return 'format';
  if (error.field === 'scheduler') return typeof value === 'string' ? 'enum' : 'invalid_type';
  const limit = schema.limits[error.field as keyof ModeSchema['limits']];
  if (limit) return numberRule(value, limit, error.field === 'width' || error.field === 'height');
  return 'invalid_type';
}

export function inputFieldErrors(errors: FieldError[], input: Record<string, unknown>, schema: ModeSchema): InvalidField[] {
  return errors.map((error) => ({ type: ruleOf(error, input, schema), field: `input.${error.field}`, description: error.message }));
}

/** Replicate's 422 for a request that failed validation: every failing field listed, and the same in `detail`. */
export function validationProblem(fields: InvalidField[]): ProblemError {
  const detail = fields.map((field) => `- ${field.description}`).join('\n');
  return new ProblemError('invalid_input', 422, 'Input validation failed', detail, { invalidFields: fields });
}
