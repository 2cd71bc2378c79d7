// Image-to-image timestep selection beyond the reference's single case (25 steps, strength 0.8).
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { DDIMScheduler } from './DDIMScheduler';
import { EulerDiscreteScheduler } from './EulerDiscreteScheduler';
import type { Scheduler } from './Scheduler';
import { img2imgTimesteps } from './img2imgTimesteps';
import { loadSchedulerReference } from '../../../test/referenceHarness';

const sd15 = loadSchedulerReference('DDIMScheduler').base_config_sd15;
const ddim = (n: number) => {
  const scheduler = new DDIMScheduler(sd15);
  scheduler.setTimesteps(n);
  return scheduler;
};

describe('img2imgTimesteps', () => {
  it('keeps the last int(n * strength) steps and starts there', () => {
    const scheduler = ddim(25);
    const { timesteps, beginIndex, latentTimestep } = img2imgTimesteps(scheduler, 25, 0.5);
    // int(12.5) = 12 steps remain, so the run begins at index 13.
    expect(beginIndex).toBe(13);
    expect(timesteps).toEqual(scheduler.timesteps.slice(13));
    expect(latentTimestep).toBe(scheduler.timesteps[13]);
  });

  it('with strength 1 runs the whole schedule from its first timestep', () => {
    const scheduler = ddim(10);
    expect(img2imgTimesteps(scheduler, 10, 1)).toEqual({ timesteps: scheduler.timesteps, latentTimestep: 901, beginIndex: 0 });
  });

  it('tells the scheduler its begin index, counted in timesteps entries (order per step)', () => {
    let told: number | undefined;
    const secondOrder = {
      timesteps: [900, 800, 800, 700, 700, 600, 600],
      order: 2,
      setBeginIndex: (index: number) => (told = index),
    } as unknown as Scheduler;
    const { beginIndex, timesteps } = img2imgTimesteps(secondOrder, 4, 0.5);
    expect(beginIndex).toBe(4);
    expect(told).toBe(4);
    expect(timesteps).toEqual([700, 600, 600]);

    const euler = new EulerDiscreteScheduler(sd15);
    euler.setTimesteps(20);
    const selection = img2imgTimesteps(euler, 20, 0.75);
    // The begin index decides which sigma add_noise uses, even before any step.
    const noised = euler.addNoise(new Float32Array([0]), new Float32Array([1]), selection.latentTimestep);
    expect(noised[0]).toBe(euler.sigmas[5]);
  });

  it('rejects a strength outside [0, 1], one that leaves no step, and an unset schedule', () => {
    for (const strength of [-0.1, 1.5, Number.NaN]) expect(() => img2imgTimesteps(ddim(25), 25, strength)).toThrow(/strength/);
    expect(() => img2imgTimesteps(ddim(25), 25, 0.03)).toThrow(/leaves no denoising step/);
    expect(() => img2imgTimesteps(new DDIMScheduler(sd15), 25, 0.5)).toThrow(EngineError);
  });
});
