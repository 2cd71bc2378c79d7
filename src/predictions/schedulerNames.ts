// Scheduler names as data, for forms and validation that must not load the scheduler code: the diffusers class
// names the local engine implements, and Replicate's six names with the class each one means.

/** The diffusers scheduler classes the engine implements (src/engine/schedulers/, one per file). */
export const DIFFUSERS_SCHEDULER_NAMES = [
  'DDIMScheduler',
  'DDPMScheduler',
  'PNDMScheduler',
  'LMSDiscreteScheduler',
  'EulerDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'HeunDiscreteScheduler',
  'LCMScheduler',
  'KDPM2DiscreteScheduler',
  'UniPCMultistepScheduler',
] as const;

export type DiffusersSchedulerName = (typeof DIFFUSERS_SCHEDULER_NAMES)[number];

/** The scheduler names Replicate's Stable Diffusion models accept, and the diffusers class each one means. */
export const REPLICATE_SCHEDULERS = {
  DDIM: 'DDIMScheduler',
  K_EULER: 'EulerDiscreteScheduler',
  K_EULER_ANCESTRAL: 'EulerAncestralDiscreteScheduler',
  DPMSolverMultistep: 'DPMSolverMultistepScheduler',
  PNDM: 'PNDMScheduler',
  KLMS: 'LMSDiscreteScheduler',
} as const satisfies Record<string, DiffusersSchedulerName>;

export type ReplicateSchedulerName = keyof typeof REPLICATE_SCHEDULERS;

export const REPLICATE_SCHEDULER_NAMES = Object.keys(REPLICATE_SCHEDULERS) as ReplicateSchedulerName[];

/** Every name the local engine accepts: Replicate's six first, then the diffusers class names. */
export const ENGINE_SCHEDULER_NAMES: readonly string[] = [...REPLICATE_SCHEDULER_NAMES, ...DIFFUSERS_SCHEDULER_NAMES];
