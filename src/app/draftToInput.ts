// Turns what the user typed (a mode's draft and the seed setting) into a PredictionInput, and checks it with the
// one validation module every backend uses, against the schema the running generator serves for that mode, so the
// form shows exactly the messages the engine or the remote API would give.
import type { ModeSchema } from '../predictions/modelSchemas';
import type { PredictionInput } from '../predictions/PredictionInput';
import { validateInput } from '../predictions/validateInput';
import { formMessage } from './formMessages';
import { DRAFT_NUMBER_FIELDS, type ModeDraft, type SeedSetting } from '../state/settingsSlice';

/** A typed number, or the raw text when it isn't one, so the error can say what came ('got "12a"'). */
function parseNumber(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isNaN(value) ? trimmed : value;
}

/** The prediction input a draft describes (without images, which the caller adds). */
export function draftToInput(schema: ModeSchema, draft: ModeDraft, seed: SeedSetting): PredictionInput<never> {
  const input: Record<string, unknown> = { prompt: draft.prompt, scheduler: draft.scheduler };
  if (draft.negative_prompt.trim() !== '') input.negative_prompt = draft.negative_prompt;
  for (const field of DRAFT_NUMBER_FIELDS) {
    if (schema.fields.includes(field)) {
      const value = parseNumber(draft[field]);
      if (value !== undefined) input[field] = value;
    }
  }
  if (seed.locked) {
    const value = parseNumber(seed.value);
    // A locked but empty seed means "pick one": the run's seed is shown afterwards and stays locked.
    if (value !== undefined) input.seed = value;
  }
  return input as PredictionInput<never>;
}

export type FieldErrors = Partial<Record<string, string>>;

/**
 * Field errors for a draft, keyed by field. Images are checked only for presence here (the pixels are decoded
 * already when present); the backend checks them again.
 */
export function draftFieldErrors(schema: ModeSchema, draft: ModeDraft, seed: SeedSetting, images: { image?: boolean; mask?: boolean }): FieldErrors {
  const input: Record<string, unknown> = { ...draftToInput(schema, draft, seed) };
  if (images.image) input.image = true;
  if (images.mask) input.mask = true;
  const result = validateInput(input, schema, () => ({ image: true }));
  const errors: FieldErrors = {};
  if (!result.ok) {
    for (const error of result.errors) {
      const typed = error.field === 'seed' ? seed.value : (draft as unknown as Record<string, string | undefined>)[error.field];
      errors[error.field] ??= formMessage(error, schema, typed);
    }
  }
  return errors;
}
