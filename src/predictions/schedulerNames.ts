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

/** The diffusers classes with a `use_karras_sigmas` option (A1111 offers their "Karras" schedule type). */
export const KARRAS_SCHEDULERS: ReadonlySet<DiffusersSchedulerName> = new Set([
  'DPMSolverMultistepScheduler',
  'EulerDiscreteScheduler',
  'HeunDiscreteScheduler',
  'KDPM2DiscreteScheduler',
  'LMSDiscreteScheduler',
  'UniPCMultistepScheduler',
]);

/** AUTOMATIC1111's sampler names for our schedulers (what A1111 users know them as), by Replicate or diffusers name. */
export const A1111_SAMPLER_NAMES: Record<string, string> = {
  DPMSolverMultistep: 'DPM++ 2M',
  K_EULER_ANCESTRAL: 'Euler a',
  K_EULER: 'Euler',
  DDIM: 'DDIM',
  KLMS: 'LMS',
  PNDM: 'PLMS',
  HeunDiscreteScheduler: 'Heun',
  KDPM2DiscreteScheduler: 'DPM2',
  UniPCMultistepScheduler: 'UniPC',
  LCMScheduler: 'LCM',
  DDPMScheduler: 'DDPM',
  DPMSolverMultistepScheduler: 'DPM++ 2M',
  EulerAncestralDiscreteScheduler: 'Euler a',
  EulerDiscreteScheduler: 'Euler',
  DDIMScheduler: 'DDIM',
  LMSDiscreteScheduler: 'LMS',
  PNDMScheduler: 'PLMS',
};

/** The diffusers class a scheduler name means (Replicate names translated), or undefined for a name we don't know. */
export function schedulerClassOf(name: string): DiffusersSchedulerName | undefined {
  if (Object.hasOwn(REPLICATE_SCHEDULERS, name)) return REPLICATE_SCHEDULERS[name as ReplicateSchedulerName];
  return (DIFFUSERS_SCHEDULER_NAMES as readonly string[]).includes(name) ? (name as DiffusersSchedulerName) : undefined;
}

/** Every name the local engine accepts: Replicate's six first, then the diffusers class names. */
export const ENGINE_SCHEDULER_NAMES: readonly string[] = [...REPLICATE_SCHEDULER_NAMES, ...DIFFUSERS_SCHEDULER_NAMES];
