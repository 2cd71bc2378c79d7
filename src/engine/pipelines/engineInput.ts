// Validates what the engine is asked to do, with the same field rules as every other backend (predictions/),
// plus the checks only the engine can make: decoded pixel buffers, the mask matching the image, enough steps.
import { ValidationError, describeValue, type FieldError } from '../errors';
import type { RgbaImage } from '../image';
import type { StableDiffusionModel } from '../model';
import { applyProfile, LOCAL_MODE_SCHEMAS, type ModeSchema, type ModelProfile } from '../../predictions/modelSchemas';
import type { GenerationMode, PredictionInput, ResolvedSettings } from '../../predictions/PredictionInput';
import { validateInput, type ImageChecker } from '../../predictions/validateInput';

/** A prediction input as the engine receives it: images already decoded to RGBA pixels. */
export type EngineInput = PredictionInput<RgbaImage>;

/** The three modes' schemas with every scheduler the engine implements. */
export const ENGINE_MODE_SCHEMAS: Record<GenerationMode, ModeSchema> = LOCAL_MODE_SCHEMAS;

export function engineSchema(mode: GenerationMode, ...profiles: Array<ModelProfile | undefined>): ModeSchema {
  return profiles.reduce<ModeSchema>((schema, profile) => applyProfile(schema, profile), ENGINE_MODE_SCHEMAS[mode]);
}

const checkRgbaImage: ImageChecker<RgbaImage> = (value) => {
  const image = value as Partial<RgbaImage> | null;
  if (typeof image !== 'object' || image === null) return { problem: `expected decoded RGBA pixels, got ${describeValue(value)}` };
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! < 1 || height! < 1) {
    return { problem: `expected a positive integer width and height, got ${describeValue(width)}x${describeValue(height)}` };
  }
  if (!(data instanceof Uint8ClampedArray) || data.length !== width! * height! * 4) {
    return { problem: `expected ${width! * height! * 4} RGBA bytes for ${width}x${height}, got ${data instanceof Uint8ClampedArray ? data.length : describeValue(data)}` };
  }
  return { image: image as RgbaImage };
};

export interface PreparedInput {
  /** The mode's schema with the model's and the run's profiles applied. */
  schema: ModeSchema;
  settings: ResolvedSettings;
  image?: RgbaImage;
  mask?: RgbaImage;
}

/** Validates `input` for `mode` on `model`, throwing a ValidationError that lists every failing field. */
export function prepareInput(
  mode: GenerationMode,
  input: EngineInput,
  model: StableDiffusionModel,
  profile?: ModelProfile,
): PreparedInput {
  const schema = engineSchema(mode, model.profile, profile);
  const result = validateInput(input, schema, checkRgbaImage);
  if (!result.ok) throw new ValidationError(result.errors);
  const { settings, image, mask } = result.value;
  const errors: FieldError[] = [];
  if (mask && image && (mask.width !== image.width || mask.height !== image.height)) {
    errors.push({
      field: 'mask',
      expected: `an image the size of image (${image.width}x${image.height})`,
      got: `${mask.width}x${mask.height}`,
      message: `mask: expected an image the size of image (${image.width}x${image.height}), got ${mask.width}x${mask.height}`,
    });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { schema, settings, image, mask };
}
