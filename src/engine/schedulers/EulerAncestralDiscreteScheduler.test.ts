// EulerAncestralDiscreteScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import type { NoiseSource } from '../random/NoiseSource';
import { EulerAncestralDiscreteScheduler } from './EulerAncestralDiscreteScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';

describeSchedulerReference('EulerAncestralDiscreteScheduler', (config) => new EulerAncestralDiscreteScheduler(config));

const sd15 = loadSchedulerReference('EulerAncestralDiscreteScheduler').base_config_sd15;
const make = (overrides: Record<string, unknown> = {}) => new EulerAncestralDiscreteScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};
const fixedNoise = (values: Float32Array): NoiseSource => ({ randn: () => values });

describe('EulerAncestralDiscreteScheduler schedule', () => {
  it('timesteps follow the spacing formulas for 1, 2, 50 and 500 steps', () => {
    for (const n of [1, 2, 50, 500]) {
      const linspace = n === 1 ? [0] : Array.from({ length: n }, (_, i) => Math.fround((999 * (n - 1 - i)) / (n - 1)));
      expect(scheduled(n).timesteps).toEqual(linspace);
      const leading = Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + 1);
      expect(scheduled(n, { timestep_spacing: 'leading' }).timesteps).toEqual(leading);
      const trailing = Array.from({ length: n }, (_, i) => 999 - (i * 1000) / n);
      expect(scheduled(n, { timestep_spacing: 'trailing' }).timesteps).toEqual(trailing);
    }
  });

  it('every step count from 1 to 500 gives a decreasing schedule and a finite loop drawing noise every step', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make({ timestep_spacing: spacing });
        const { final, draws } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expect(draws).toBe(n);
        expectAllFinite(final);
      }
    }
  });
});

describe('EulerAncestralDiscreteScheduler step', () => {
  const [x0, eps, noise] = [testTensor(64, 1), testTensor(64, 2), testTensor(64, 3)];

  it('lands on x0 + sigma_down * eps plus sigma_up * noise, with sigma_down² + sigma_up² = sigma_next²', () => {
    const scheduler = scheduled(4);
    const [from, to] = [scheduler.sigmas[1], scheduler.sigmas[2]];
    const sigmaUp = Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2);
    const sigmaDown = Math.sqrt(to ** 2 - sigmaUp ** 2);
    const sample = x0.map((x, i) => x + from * eps[i]);
    for (const type of ['epsilon', 'v_prediction']) {
      const typed = scheduled(4, { prediction_type: type });
      const variance = from ** 2 + 1;
      const output = type === 'epsilon' ? eps : x0.map((x, i) => ((sample[i] / variance - x) * Math.sqrt(variance)) / from);
      const { prevSample } = typed.step(output, typed.timesteps[1], sample, fixedNoise(noise));
      for (let i = 0; i < 64; i++) expect(prevSample[i]).toBeCloseTo(x0[i] + sigmaDown * eps[i] + sigmaUp * noise[i], 4);
    }
  });

  it('throws when stepped without a noise source', () => {
    const scheduler = scheduled(4);
    expect(() => scheduler.step(eps, scheduler.timesteps[0], x0)).toThrow(/needs a noise source/);
  });
});

describe('EulerAncestralDiscreteScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ prediction_type: 'sample' }), 'prediction_type', 'epsilon', 'v_prediction', '"sample"');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'linspace', '"even"');
    expectConfigError(() => make({ beta_schedule: 'cubic' }), 'beta_schedule', 'scaled_linear', '"cubic"');
  });
});
