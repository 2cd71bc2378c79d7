// The one validation module for every backend: checks a prediction input against a mode's schema and returns
// field-level errors ("width: expected a multiple of 64 between 64 and 1024, got 500"), or the settings with
// defaults applied. The UI, the worker, the engine and the remote clients all call it.
import { describeValue, ValidationError, type FieldError } from './errors';
import type { PredictionInput, ResolvedSettings } from './PredictionInput';
import { describeLimit, type ModeSchema, type NumberLimit, type SchemaField } from './modelSchemas';

/** How a backend checks its image values: returns a description of what is wrong, or null when fine. */
export type ImageChecker<TImage> = (value: unknown) => { problem: string } | { image: TImage };

export interface ValidInput<TImage> {
  settings: ResolvedSettings;
  image?: TImage;
  mask?: TImage;
}

export type ValidationResult<TImage> = { ok: true; value: ValidInput<TImage> } | { ok: false; errors: FieldError[] };

function fieldError(field: string, expected: string, got: unknown): FieldError {
  const gotText = describeValue(got);
  return { field, expected, got: gotText, message: `${field}: expected ${expected}, got ${gotText}` };
}

/** null counts as absent, as it does in JSON APIs. */
const isAbsent = (value: unknown) => value === undefined || value === null;

export function checkNumber(field: string, value: unknown, limit: NumberLimit): FieldError | null {
  const expected = describeLimit(limit);
  if (typeof value !== 'number' || !Number.isFinite(value)) return fieldError(field, expected, value);
  const belowMin = limit.exclusiveMin ? value <= limit.min : value < limit.min;
  if (belowMin || value > limit.max) return fieldError(field, expected, value);
  if (limit.integer && !Number.isInteger(value)) return fieldError(field, expected, value);
  if (limit.multipleOf && value % limit.multipleOf !== 0) return fieldError(field, expected, value);
  return null;
}

const NUMERIC_FIELDS = ['width', 'height', 'num_outputs', 'guidance_scale', 'num_inference_steps', 'prompt_strength', 'seed'] as const;

/**
 * Validates every field (all errors are reported, not only the first) and applies the schema's defaults.
 * Fields the mode does not accept are errors: silently ignoring them would hide a mistake.
 */
export function validateInput<TImage>(
  input: unknown,
  schema: ModeSchema,
  checkImage: ImageChecker<TImage>,
): ValidationResult<TImage> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [fieldError('input', 'an object of prediction fields', input)] };
  }
  const fields = input as Record<string, unknown>;
  const accepted = new Set<string>(schema.fields);
  const errors: FieldError[] = [];

  for (const [name, value] of Object.entries(fields)) {
    if (!accepted.has(name) && !isAbsent(value)) {
      errors.push({
        field: name,
        expected: `one of the ${schema.mode} fields (${schema.fields.join(', ')})`,
        got: name,
        message: `${name}: not accepted in ${schema.mode}; its fields are ${schema.fields.join(', ')}`,
      });
    }
  }
  for (const name of schema.required) {
    if (isAbsent(fields[name])) errors.push(fieldError(name, `an image (${schema.mode} needs one)`, undefined));
  }
  for (const name of ['prompt', 'negative_prompt'] as const) {
    if (!isAbsent(fields[name]) && typeof fields[name] !== 'string') errors.push(fieldError(name, 'a string', fields[name]));
  }
  for (const name of NUMERIC_FIELDS) {
    if (accepted.has(name) && !isAbsent(fields[name])) {
      const error = checkNumber(name, fields[name], schema.limits[name]);
      if (error) errors.push(error);
    }
  }
  if (!isAbsent(fields.scheduler) && !schema.schedulers.includes(fields.scheduler as string)) {
    errors.push(fieldError('scheduler', `one of ${schema.schedulers.join(', ')}`, fields.scheduler));
  }
  const images: Partial<Record<'image' | 'mask', TImage>> = {};
  for (const name of ['image', 'mask'] as const) {
    if (!accepted.has(name) || isAbsent(fields[name])) continue;
    const checked = checkImage(fields[name]);
    if ('problem' in checked) errors.push({ field: name, expected: 'an image', got: checked.problem, message: `${name}: ${checked.problem}` });
    else images[name] = checked.image;
  }
  if (errors.length > 0) return { ok: false, errors };

  const pick = <K extends SchemaField & keyof ModeSchema['defaults']>(name: K) =>
    (accepted.has(name) && !isAbsent(fields[name]) ? fields[name] : schema.defaults[name]) as ModeSchema['defaults'][K];
  const settings: ResolvedSettings = {
    prompt: (fields.prompt as string | undefined) ?? '',
    negative_prompt: (fields.negative_prompt as string | undefined) ?? '',
    width: pick('width'),
    height: pick('height'),
    scheduler: pick('scheduler'),
    num_outputs: pick('num_outputs'),
    guidance_scale: pick('guidance_scale'),
    num_inference_steps: pick('num_inference_steps'),
    prompt_strength: pick('prompt_strength'),
    seed: isAbsent(fields.seed) ? undefined : (fields.seed as number),
  };
  if (accepted.has('prompt_strength') && Math.floor(settings.num_inference_steps * settings.prompt_strength) < 1) {
    // diffusers refuses this too: int(steps * strength) == 0 leaves no denoising step to run.
    const minimum = 1 / settings.num_inference_steps;
    return {
      ok: false,
      errors: [
        {
          field: 'prompt_strength',
          expected: `at least ${minimum} with ${settings.num_inference_steps} steps, so one denoising step runs`,
          got: String(settings.prompt_strength),
          message: `prompt_strength: expected at least ${minimum} with ${settings.num_inference_steps} steps (so at least one denoising step runs), got ${settings.prompt_strength}`,
        },
      ],
    };
  }
  return { ok: true, value: { settings, ...images } };
}

/** `validateInput`, throwing a `ValidationError` listing every failing field. */
export function resolveInput<TImage>(
  input: PredictionInput<TImage> | unknown,
  schema: ModeSchema,
  checkImage: ImageChecker<TImage>,
): ValidInput<TImage> {
  const result = validateInput(input, schema, checkImage);
  if (!result.ok) throw new ValidationError(result.errors);
  return result.value;
}
