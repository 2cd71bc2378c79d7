// Each remote API's own mode schemas — fields, defaults, limits, scheduler names — which the form shows and the
// shared validation checks before anything is sent. Replicate's are the contract's own; the v3 API and
// AUTOMATIC1111 narrow or widen them to what their servers accept.
import { defaultModeSchemas, type ModeSchema, type NumberLimit } from '../../predictions/modelSchemas';
import type { GenerationMode } from '../../predictions/PredictionInput';
import { REPLICATE_SCHEDULER_NAMES } from '../../predictions/schedulerNames';

export type RemoteModeSchemas = Record<GenerationMode, ModeSchema>;

/** Seeds both the v3 API and AUTOMATIC1111 keep as 32-bit unsigned integers. */
const UINT32_SEED: NumberLimit = { min: 0, max: 2 ** 32 - 1, integer: true };

/** Where the output follows the input image's own size, width and height are not fields of the mode. */
const withoutSize = (fields: ModeSchema['fields']) => fields.filter((f) => f !== 'width' && f !== 'height');

function adjust(schema: ModeSchema, change: { fields?: ModeSchema['fields']; defaults?: Partial<ModeSchema['defaults']>; limits?: Partial<ModeSchema['limits']> }): ModeSchema {
  return {
    ...schema,
    fields: change.fields ?? schema.fields,
    defaults: { ...schema.defaults, ...change.defaults },
    limits: { ...schema.limits, ...change.limits },
  };
}

/** Replicate's three Stable Diffusion models, with their six scheduler names. */
export function replicateSchemas(): RemoteModeSchemas {
  return defaultModeSchemas(REPLICATE_SCHEDULER_NAMES);
}

/**
 * The diffusers scheduler classes the ModelsLab / Stable Diffusion API docs list for `scheduler`, less the three
 * that are no text-to-image samplers (DDIMInverseScheduler, KarrasVeScheduler, ScoreSdeVeScheduler).
 */
export const V3_SCHEDULER_NAMES = [
  'DPMSolverMultistepScheduler',
  'DDPMScheduler',
  'DDIMScheduler',
  'PNDMScheduler',
  'LMSDiscreteScheduler',
  'EulerDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'HeunDiscreteScheduler',
  'KDPM2DiscreteScheduler',
  'KDPM2AncestralDiscreteScheduler',
  'DPMSolverSinglestepScheduler',
  'UniPCMultistepScheduler',
  'DEISMultistepScheduler',
  'LCMScheduler',
] as const;

/**
 * The v3 API (stablediffusionapi.com / ModelsLab): images at most 1024x1024 (multiples of 8, as SD's latents need),
 * `samples` at most 4, 1–50 steps, guidance 1–20; its own scheduler names (diffusers class names).
 */
export function stableDiffusionApiSchemas(): RemoteModeSchemas {
  const base = defaultModeSchemas(V3_SCHEDULER_NAMES);
  const limits: Partial<ModeSchema['limits']> = {
    width: { min: 64, max: 1024, integer: true, multipleOf: 8 },
    height: { min: 64, max: 1024, integer: true, multipleOf: 8 },
    num_outputs: { min: 1, max: 4, integer: true },
    num_inference_steps: { min: 1, max: 50, integer: true },
    guidance_scale: { min: 1, max: 20 },
    seed: UINT32_SEED,
  };
  const defaults = { width: 512, height: 512, num_inference_steps: 30, scheduler: 'DPMSolverMultistepScheduler' };
  return {
    'text-to-image': adjust(base['text-to-image'], { defaults, limits }),
    'image-to-image': adjust(base['image-to-image'], { defaults: { ...defaults, prompt_strength: 0.8 }, limits }),
    inpainting: adjust(base.inpainting, { defaults, limits }),
  };
}

/**
 * AUTOMATIC1111 / Forge: Replicate's scheduler names (sent as A1111 sampler names, see a1111Samplers.ts), sizes in
 * multiples of 8 up to 2048, A1111's own defaults (512x512, 20 steps, CFG 7, denoising 0.75), up to 8 images a
 * batch. Image-to-image and inpainting keep the input image's size, so they take no width or height.
 */
export function automatic1111Schemas(): RemoteModeSchemas {
  const base = defaultModeSchemas(REPLICATE_SCHEDULER_NAMES);
  const limits: Partial<ModeSchema['limits']> = {
    width: { min: 64, max: 2048, integer: true, multipleOf: 8 },
    height: { min: 64, max: 2048, integer: true, multipleOf: 8 },
    num_outputs: { min: 1, max: 8, integer: true },
    num_inference_steps: { min: 1, max: 150, integer: true },
    guidance_scale: { min: 1, max: 30 },
    seed: UINT32_SEED,
  };
  const defaults = { width: 512, height: 512, num_inference_steps: 20, guidance_scale: 7 };
  return {
    'text-to-image': adjust(base['text-to-image'], { defaults, limits }),
    'image-to-image': adjust(base['image-to-image'], { defaults: { ...defaults, prompt_strength: 0.75 }, limits }),
    inpainting: adjust(base.inpainting, { fields: withoutSize(base.inpainting.fields), defaults, limits }),
  };
}
