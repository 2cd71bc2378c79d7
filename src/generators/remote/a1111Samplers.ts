// Replicate's six scheduler names as AUTOMATIC1111 / Forge sampler names: the same algorithm under A1111's name
// (k-diffusion samplers, plus its DDIM and PLMS ports), with A1111's default ("Automatic") noise schedule.
import type { ReplicateSchedulerName } from '../../predictions/schedulerNames';

export const A1111_SAMPLERS: Record<ReplicateSchedulerName, string> = {
  DDIM: 'DDIM',
  K_EULER: 'Euler',
  K_EULER_ANCESTRAL: 'Euler a',
  // diffusers' DPMSolverMultistepScheduler defaults to the second-order multistep DPM-Solver++ (Lu et al. 2022).
  DPMSolverMultistep: 'DPM++ 2M',
  // PNDM's pseudo linear multistep steps are what the original LDM code calls PLMS (Liu et al. 2022).
  PNDM: 'PLMS',
  KLMS: 'LMS',
};

export function a1111Sampler(scheduler: string): string {
  const name = A1111_SAMPLERS[scheduler as ReplicateSchedulerName];
  // Unreachable after validation (the A1111 schema lists exactly these six); a bug must not send a wrong sampler.
  if (!name) throw new Error(`No AUTOMATIC1111 sampler for scheduler ${JSON.stringify(scheduler)}; expected one of ${Object.keys(A1111_SAMPLERS).join(', ')}`);
  return name;
}
