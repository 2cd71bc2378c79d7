// Validation errors in the form's words: the field's visible label and its limit in plain language, with what the
// user typed exactly as typed ("Steps: a whole number from 1 to 500; you entered 0"). The API names and wording stay
// for the engine, the remote clients and the server.
import type { FieldError } from '../predictions/errors';
import type { ModeSchema, NumberLimit } from '../predictions/modelSchemas';

export const FIELD_LABELS: Record<string, string> = {
  prompt: 'Prompt',
  negative_prompt: 'Negative prompt',
  width: 'Width',
  height: 'Height',
  scheduler: 'Scheduler',
  num_outputs: 'Number of outputs',
  guidance_scale: 'Guidance scale',
  num_inference_steps: 'Steps',
  prompt_strength: 'Prompt strength',
  seed: 'Seed',
  image: 'Input image',
  mask: 'Mask',
};

/** "a whole number from 1 to 500", "a multiple of 64 from 64 to 1024", "a number above 0, up to 1". */
export function limitInWords(limit: NumberLimit): string {
  if (limit.multipleOf) return `a multiple of ${limit.multipleOf} from ${limit.min} to ${limit.max}`;
  const kind = limit.integer ? 'a whole number' : 'a number';
  if (limit.exclusiveMin) return `${kind} above ${limit.min}, up to ${limit.max}`;
  if (limit.min === limit.max) return `${limit.min} for this model`;
  return `${kind} from ${limit.min} to ${limit.max}`;
}

/** The range a number field accepts, as its hint shows it: "1–500", "above 0, up to 1". */
export function limitHint(limit: NumberLimit): string {
  if (limit.exclusiveMin) return `above ${limit.min}, up to ${limit.max}`;
  if (limit.min === limit.max) return `${limit.min} for this model`;
  return `${limit.min}–${limit.max}${limit.multipleOf && limit.multipleOf > 1 ? `, multiples of ${limit.multipleOf}` : ''}`;
}

export function formMessage(error: FieldError, schema: ModeSchema, typed?: string): string {
  const label = FIELD_LABELS[error.field] ?? error.field;
  const entered = typed !== undefined && typed.trim() !== '' ? `you entered ${typed.trim()}` : `got ${error.got}`;
  const limit = (schema.limits as Record<string, NumberLimit | undefined>)[error.field];
  if (error.field === 'prompt_strength' && error.expected.startsWith('at least')) {
    return `${label}: ${error.expected.replace(/ with (\d+) steps,/, ' with $1 Steps,')}; ${entered}`;
  }
  if (limit) return `${label}: ${limitInWords(limit)}; ${entered}`;
  if ((error.field === 'image' || error.field === 'mask') && error.got === 'nothing') {
    return error.field === 'image' ? `${label}: pick, drop or paste an image first` : 'Mask: paint the area to repaint on the image first';
  }
  if (error.field === 'scheduler') return `${label}: choose one of the listed schedulers; got ${error.got}`;
  return `${label}: ${error.expected}`;
}
