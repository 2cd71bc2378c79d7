// Per-mode input schemas: which fields each mode accepts, their defaults and limits, following the three remote
// models (stability-ai/stable-diffusion, -img2img, -inpainting on Replicate). A model profile (e.g. SD-Turbo)
// may narrow or override them.
import type { GenerationMode } from './PredictionInput';
import { ENGINE_SCHEDULER_NAMES } from './schedulerNames';

export interface NumberLimit {
  min: number;
  max: number;
  /** The lower bound itself is not allowed (prompt_strength is in (0, 1]). */
  exclusiveMin?: boolean;
  integer?: boolean;
  multipleOf?: number;
}

export type SchemaField =
  | 'prompt'
  | 'negative_prompt'
  | 'width'
  | 'height'
  | 'scheduler'
  | 'num_outputs'
  | 'guidance_scale'
  | 'num_inference_steps'
  | 'prompt_strength'
  | 'image'
  | 'mask'
  | 'seed';

export interface ModeSchema {
  mode: GenerationMode;
  /** The Replicate model this mode mirrors. */
  remoteModel: string;
  fields: readonly SchemaField[];
  required: readonly SchemaField[];
  defaults: {
    width: number;
    height: number;
    scheduler: string;
    num_outputs: number;
    guidance_scale: number;
    num_inference_steps: number;
    prompt_strength: number;
  };
  limits: {
    width: NumberLimit;
    height: NumberLimit;
    num_outputs: NumberLimit;
    guidance_scale: NumberLimit;
    num_inference_steps: NumberLimit;
    prompt_strength: NumberLimit;
    seed: NumberLimit;
  };
  /** Scheduler names this mode accepts, in the order a picker shows them. */
  schedulers: readonly string[];
}

/** A model's own defaults and ranges (e.g. SD-Turbo: 512x512, 1-4 steps, guidance 1). */
export interface ModelProfile {
  defaults?: Partial<ModeSchema['defaults']>;
  limits?: Partial<ModeSchema['limits']>;
  schedulers?: readonly string[];
}

const SIZE: NumberLimit = { min: 64, max: 1024, integer: true, multipleOf: 64 };
const STEPS: NumberLimit = { min: 1, max: 500, integer: true };
const GUIDANCE: NumberLimit = { min: 1, max: 20 };
const STRENGTH: NumberLimit = { min: 0, max: 1, exclusiveMin: true };
/** Seeds are JSON numbers: any non-negative safe integer (torch accepts up to 2^64 - 1; JSON loses precision past 2^53). */
const SEED: NumberLimit = { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true };

const COMMON_FIELDS = ['prompt', 'negative_prompt', 'scheduler', 'num_outputs', 'guidance_scale', 'num_inference_steps', 'seed'] as const;

function baseSchema(mode: GenerationMode, remoteModel: string, schedulers: readonly string[]): Omit<ModeSchema, 'fields' | 'required'> {
  return {
    mode,
    remoteModel,
    defaults: {
      width: 768,
      height: 768,
      scheduler: 'DPMSolverMultistep',
      num_outputs: 1,
      guidance_scale: 7.5,
      num_inference_steps: 50,
      prompt_strength: 1,
    },
    limits: {
      width: SIZE,
      height: SIZE,
      num_outputs: { min: 1, max: 4, integer: true },
      guidance_scale: GUIDANCE,
      num_inference_steps: STEPS,
      prompt_strength: STRENGTH,
      seed: SEED,
    },
    schedulers,
  };
}

/**
 * The three modes as the remote models define them. `schedulers` is the full list the engine runs; remote
 * generators narrow it to Replicate's six names.
 */
export function defaultModeSchemas(schedulers: readonly string[]): Record<GenerationMode, ModeSchema> {
  const textToImage: ModeSchema = {
    ...baseSchema('text-to-image', 'stability-ai/stable-diffusion', schedulers),
    fields: [...COMMON_FIELDS, 'width', 'height'],
    required: [],
  };
  const img2imgBase = baseSchema('image-to-image', 'stability-ai/stable-diffusion-img2img', schedulers);
  // The image-to-image model has no width/height: the output follows the input image's size (see imageToImage).
  const imageToImage: ModeSchema = {
    ...img2imgBase,
    fields: [...COMMON_FIELDS, 'image', 'prompt_strength'],
    required: ['image'],
    defaults: { ...img2imgBase.defaults, num_inference_steps: 25, prompt_strength: 0.8 },
    limits: { ...img2imgBase.limits, num_outputs: { min: 1, max: 8, integer: true } },
  };
  const inpaintBase = baseSchema('inpainting', 'stability-ai/stable-diffusion-inpainting', schedulers);
  const inpainting: ModeSchema = {
    ...inpaintBase,
    fields: [...COMMON_FIELDS, 'width', 'height', 'image', 'mask'],
    required: ['image', 'mask'],
    defaults: { ...inpaintBase.defaults, width: 512, height: 512 },
  };
  return { 'text-to-image': textToImage, 'image-to-image': imageToImage, inpainting };
}

/**
 * The Replicate model versions the three modes mirror, as `owner/name:version` (what POST /v1/predictions takes
 * in `version`, and what our own server answers to).
 */
export const REPLICATE_VERSIONS: Record<GenerationMode, string> = {
  'text-to-image': 'stability-ai/stable-diffusion:ac732df83cea7fff18b8472768c88ad041fa750ff7682a21affe81863cbe77e4',
  'image-to-image': 'stability-ai/stable-diffusion-img2img:15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d',
  inpainting: 'stability-ai/stable-diffusion-inpainting:95b7223104132402a9ae91cc677285bc5eb997834bd2349fa486f53910fd68b3',
};

/** The three modes as the local engine serves them: every scheduler it implements. */
export const LOCAL_MODE_SCHEMAS: Record<GenerationMode, ModeSchema> = defaultModeSchemas(ENGINE_SCHEDULER_NAMES);

export type ModeSchemas = Partial<Record<GenerationMode, ModeSchema>>;

/** A mode's schema with a model profile applied on top. */
export function applyProfile(schema: ModeSchema, profile: ModelProfile | undefined): ModeSchema {
  if (!profile) return schema;
  return {
    ...schema,
    defaults: { ...schema.defaults, ...profile.defaults },
    limits: { ...schema.limits, ...profile.limits },
    schedulers: profile.schedulers ?? schema.schedulers,
  };
}

/** "a multiple of 64 between 64 and 1024", "an integer between 1 and 500", "a number in (0, 1]". */
export function describeLimit(limit: NumberLimit): string {
  if (limit.multipleOf) return `a multiple of ${limit.multipleOf} between ${limit.min} and ${limit.max}`;
  if (limit.exclusiveMin) return `a number in (${limit.min}, ${limit.max}]`;
  if (limit.integer) return `an integer between ${limit.min} and ${limit.max}`;
  return `a number between ${limit.min} and ${limit.max}`;
}
