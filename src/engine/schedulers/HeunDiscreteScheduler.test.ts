// HeunDiscreteScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { HeunDiscreteScheduler } from './HeunDiscreteScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import {
  expectAllFinite,
  expectConfigError,
  expectConstantDerivativeIntegrated,
  expectResumableAtEverySolverStep,
  expectDecreasingWithin,
  expectedSigmaTimesteps,
  runLoop,
} from '../../../test/schedulerTestKit';

describeSchedulerReference('HeunDiscreteScheduler', (config) => new HeunDiscreteScheduler(config));

const sd15 = loadSchedulerReference('HeunDiscreteScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/HeunDiscreteScheduler.json').alphas_cumprod;
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
const make = (overrides: Record<string, unknown> = {}) => new HeunDiscreteScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};
/** Every entry after the first twice: the Euler step and its correction share a timestep and a sigma. */
const doubledAfterFirst = <T>(values: T[]) => [values[0], ...values.slice(1).flatMap((v) => [v, v])];

describe('HeunDiscreteScheduler schedule', () => {
  it('timesteps for 1, 2, 50 and 500 steps: the spacing formula with every timestep after the first twice (2n - 1)', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (const n of [1, 2, 50, 500]) {
        const scheduler = scheduled(n, { timestep_spacing: spacing });
        expect(scheduler.timesteps).toEqual(doubledAfterFirst(expectedSigmaTimesteps(spacing, n)));
        expect(scheduler.sigmas).toHaveLength(2 * n);
        expect(scheduler.sigmas[2 * n - 1]).toBe(0);
        for (let k = 1; k < n; k++) expect(scheduler.sigmas[2 * k - 1]).toBe(scheduler.sigmas[2 * k]);
      }
    }
  });

  it('every step count from 1 to 500 gives a non-increasing schedule of 2n - 1 timesteps and a finite loop', () => {
    for (const overrides of [{}, { timestep_spacing: 'leading' }, { timestep_spacing: 'trailing' }, { use_karras_sigmas: true }]) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make(overrides);
        const { final } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(2 * n - 1);
        expectDecreasingWithin(scheduler.timesteps.filter((_, i) => i % 2 === 0), 0, 999);
        expectAllFinite(final);
      }
    }
  });
});

describe('HeunDiscreteScheduler step', () => {
  it('integrates a constant derivative exactly: the mean of two equal slopes is that slope', () => {
    expectConstantDerivativeIntegrated(scheduled(10));
  });

  it('one step lands on the clean sample each prediction type implies (v_prediction derived by hand); clip_sample clamps it', () => {
    const sigma = trainSigma(999);
    const sample = new Float32Array([2]);
    const output = new Float32Array([0.5]);
    const expected = {
      epsilon: 2 - sigma * 0.5,
      v_prediction: 2 / (sigma ** 2 + 1) - (0.5 * sigma) / Math.sqrt(sigma ** 2 + 1),
      sample: 0.5,
    };
    for (const [type, x0] of Object.entries(expected)) {
      const scheduler = scheduled(1, { prediction_type: type, timestep_spacing: 'trailing' });
      expect(scheduler.step(output, 999, sample).prevSample[0]).toBeCloseTo(x0, 5);
    }
    const clipped = scheduled(1, { timestep_spacing: 'trailing', clip_sample: true, clip_sample_range: 2 });
    expect(clipped.step(output, 999, sample).prevSample[0]).toBe(-2);
  });

  it('a run resumed at any solver step with setBeginIndex continues exactly like the full run', () => {
    expectResumableAtEverySolverStep(scheduled);
  });
});

describe('HeunDiscreteScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ prediction_type: 'flow_prediction' }), 'prediction_type', 'epsilon', '"flow_prediction"');
    expectConfigError(() => make({ use_exponential_sigmas: true }), 'use_exponential_sigmas', 'false', 'true');
    expectConfigError(() => make({ use_beta_sigmas: true }), 'use_beta_sigmas', 'false', 'true');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'trailing', '"even"');
    expectConfigError(() => make({ clip_sample: 'yes' }), 'clip_sample', 'boolean', '"yes"');
  });
});
