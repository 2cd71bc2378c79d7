// Scheduler registry: maps diffusers class names and Replicate's scheduler names to the implementations.
import { EngineError } from '../errors';
import {
  DIFFUSERS_SCHEDULER_NAMES,
  ENGINE_SCHEDULER_NAMES,
  REPLICATE_SCHEDULER_NAMES,
  REPLICATE_SCHEDULERS,
  type DiffusersSchedulerName,
  type ReplicateSchedulerName,
} from '../../predictions/schedulerNames';
import type { Scheduler } from './Scheduler';
import { DDIMScheduler } from './DDIMScheduler';
import { DDPMScheduler } from './DDPMScheduler';
import { PNDMScheduler } from './PNDMScheduler';
import { LMSDiscreteScheduler } from './LMSDiscreteScheduler';
import { EulerDiscreteScheduler } from './EulerDiscreteScheduler';
import { EulerAncestralDiscreteScheduler } from './EulerAncestralDiscreteScheduler';
import { DPMSolverMultistepScheduler } from './DPMSolverMultistepScheduler';
import { HeunDiscreteScheduler } from './HeunDiscreteScheduler';
import { LCMScheduler } from './LCMScheduler';
import { KDPM2DiscreteScheduler } from './KDPM2DiscreteScheduler';
import { UniPCMultistepScheduler } from './UniPCMultistepScheduler';

type SchedulerClass = new (config: Record<string, unknown>) => Scheduler;

const DIFFUSERS_SCHEDULERS = {
  DDIMScheduler,
  DDPMScheduler,
  PNDMScheduler,
  LMSDiscreteScheduler,
  EulerDiscreteScheduler,
  EulerAncestralDiscreteScheduler,
  DPMSolverMultistepScheduler,
  HeunDiscreteScheduler,
  LCMScheduler,
  KDPM2DiscreteScheduler,
  UniPCMultistepScheduler,
} satisfies Record<DiffusersSchedulerName, SchedulerClass>;

export type { DiffusersSchedulerName };

/** Every name `createScheduler` accepts: Replicate's six first, then the diffusers class names. */
export const SCHEDULER_NAMES = ENGINE_SCHEDULER_NAMES;
export { DIFFUSERS_SCHEDULER_NAMES, REPLICATE_SCHEDULERS, REPLICATE_SCHEDULER_NAMES, type ReplicateSchedulerName };

export function isSchedulerName(name: string): boolean {
  return Object.hasOwn(REPLICATE_SCHEDULERS, name) || Object.hasOwn(DIFFUSERS_SCHEDULERS, name);
}

/** The diffusers class a scheduler name refers to (Replicate names are translated). */
export function diffusersClassName(name: string): DiffusersSchedulerName {
  if (Object.hasOwn(REPLICATE_SCHEDULERS, name)) return REPLICATE_SCHEDULERS[name as ReplicateSchedulerName];
  if (Object.hasOwn(DIFFUSERS_SCHEDULERS, name)) return name as DiffusersSchedulerName;
  throw new EngineError(
    'unknown_scheduler',
    `scheduler: expected one of ${SCHEDULER_NAMES.join(', ')}, got ${JSON.stringify(name)}`,
  );
}

/**
 * Builds a scheduler from a `scheduler_config.json` object (snake_case keys, verbatim). Missing keys take the
 * class's own defaults, as diffusers' `from_config` does when a pipeline swaps schedulers.
 */
export function createScheduler(name: string, config: Record<string, unknown>): Scheduler {
  return new DIFFUSERS_SCHEDULERS[diffusersClassName(name)](config);
}
