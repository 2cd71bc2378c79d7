// Scheduler names as data match the engine's registry; A1111 names cover every name the engine accepts.
import { describe, expect, it } from 'vitest';
import { diffusersClassName, SCHEDULER_NAMES } from '../engine';
import { A1111_SAMPLER_NAMES, ENGINE_SCHEDULER_NAMES, KARRAS_SCHEDULERS, schedulerClassOf } from './schedulerNames';

describe('scheduler names', () => {
  it('are the engine registry\'s names, each with an A1111 sampler name', () => {
    expect(ENGINE_SCHEDULER_NAMES).toEqual(SCHEDULER_NAMES);
    for (const name of ENGINE_SCHEDULER_NAMES) {
      expect(A1111_SAMPLER_NAMES[name], name).toBeTruthy();
      expect(schedulerClassOf(name)).toBe(diffusersClassName(name));
    }
    expect(A1111_SAMPLER_NAMES.DPMSolverMultistep).toBe('DPM++ 2M');
    expect(A1111_SAMPLER_NAMES.K_EULER_ANCESTRAL).toBe('Euler a');
  });

  it('offer Karras where diffusers has use_karras_sigmas, and nowhere else', () => {
    expect([...KARRAS_SCHEDULERS].sort()).toEqual(['DPMSolverMultistepScheduler', 'EulerDiscreteScheduler', 'HeunDiscreteScheduler', 'KDPM2DiscreteScheduler', 'LMSDiscreteScheduler', 'UniPCMultistepScheduler']);
    expect(schedulerClassOf('K_EULER_ANCESTRAL')).toBe('EulerAncestralDiscreteScheduler');
    expect(KARRAS_SCHEDULERS.has('EulerAncestralDiscreteScheduler')).toBe(false);
  });
});
