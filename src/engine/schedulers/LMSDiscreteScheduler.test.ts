// LMSDiscreteScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { LMSDiscreteScheduler } from './LMSDiscreteScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import {
  expectAllFinite,
  expectConfigError,
  expectConstantDerivativeIntegrated,
  expectDecreasingWithin,
  expectedSigmaTimesteps,
  runLoop,
  testTensor,
} from '../../../test/schedulerTestKit';

describeSchedulerReference('LMSDiscreteScheduler', (config) => new LMSDiscreteScheduler(config));

const sd15 = loadSchedulerReference('LMSDiscreteScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/LMSDiscreteScheduler.json').alphas_cumprod;
/** Training noise levels sqrt((1 - a) / a), float64. */
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
const make = (overrides: Record<string, unknown> = {}) => new LMSDiscreteScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};

describe('LMSDiscreteScheduler schedule', () => {
  it('timesteps for 1, 2, 50 and 500 steps follow each spacing formula; sigmas end in 0', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (const n of [1, 2, 50, 500]) {
        const scheduler = scheduled(n, { timestep_spacing: spacing });
        expect(scheduler.timesteps).toEqual(expectedSigmaTimesteps(spacing, n));
        expect(scheduler.sigmas).toHaveLength(n + 1);
        expect(scheduler.sigmas[n]).toBe(0);
      }
    }
  });

  it('every step count from 1 to 500 gives decreasing timesteps and sigmas and a finite loop', () => {
    for (const overrides of [{}, { timestep_spacing: 'leading' }, { timestep_spacing: 'trailing' }, { use_karras_sigmas: true }]) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make(overrides);
        const { final } = runLoop(scheduler, n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expectDecreasingWithin(Array.from(scheduler.sigmas), 0, 15);
        expectAllFinite(final);
      }
    }
  });

  it('use_karras_sigmas spaces the sigmas evenly in sigma^(1/7) between the first and last interpolated sigma', () => {
    const n = 30;
    const { sigmas } = scheduled(n, { use_karras_sigmas: true, timestep_spacing: 'leading' });
    // "leading" ends at timestep 1 (steps_offset), not 0: the Karras ends are the sigmas of timesteps 958 and 1.
    expect(sigmas[0] / trainSigma(29 * 33 + 1)).toBeCloseTo(1, 4);
    expect(sigmas[n - 1] / trainSigma(1)).toBeCloseTo(1, 4);
    const root = (i: number) => sigmas[i] ** (1 / 7);
    for (let i = 1; i < n; i++) expect(root(i) - root(i - 1)).toBeCloseTo((root(n - 1) - root(0)) / (n - 1), 5);
  });
});

describe('LMSDiscreteScheduler step', () => {
  it('integrates a constant derivative exactly at every order: each step moves by d * (sigma_next - sigma)', () => {
    expectConstantDerivativeIntegrated(scheduled(25));
  });

  it('one step lands on the clean sample each prediction type implies (v_prediction derived by hand)', () => {
    // One "trailing" step runs from the sigma of timestep 999 to 0, so it returns x0 itself.
    const sigma = trainSigma(999);
    const sample = new Float32Array([2]);
    const output = new Float32Array([0.5]);
    const expected = {
      epsilon: 2 - sigma * 0.5,
      // x0 = x / (sigma² + 1) - v * sigma / sqrt(sigma² + 1)
      v_prediction: 2 / (sigma ** 2 + 1) - (0.5 * sigma) / Math.sqrt(sigma ** 2 + 1),
      sample: 0.5,
    };
    for (const [type, x0] of Object.entries(expected)) {
      const scheduler = scheduled(1, { prediction_type: type, timestep_spacing: 'trailing' });
      const { prevSample, predOriginalSample } = scheduler.step(output, 999, sample);
      expect(prevSample[0]).toBeCloseTo(x0, 5);
      expect(predOriginalSample![0]).toBeCloseTo(x0, 5);
    }
    expect(expected.v_prediction).not.toBeCloseTo(expected.epsilon, 1);
  });

  it('finds its place from the first timestep unless a begin index is set', () => {
    const scheduler = scheduled(10);
    const sample = testTensor(16, 3);
    expect(() => scheduler.step(sample, 123.25, sample)).toThrow(/not in the current schedule/);
    const resumed = scheduled(10);
    resumed.setBeginIndex(4);
    // The begin index wins over the timestep passed in: scaling uses sigma[4].
    const scaled = resumed.scaleModelInput(sample, resumed.timesteps[0]);
    expect(scaled[0]).toBeCloseTo(sample[0] / Math.sqrt(resumed.sigmas[4] ** 2 + 1), 6);
  });
});

describe('LMSDiscreteScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ prediction_type: 'flow_prediction' }), 'prediction_type', 'epsilon', 'v_prediction', '"flow_prediction"');
    expectConfigError(() => make({ use_exponential_sigmas: true }), 'use_exponential_sigmas', 'false', 'true');
    expectConfigError(() => make({ use_beta_sigmas: true }), 'use_beta_sigmas', 'false', 'true');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'linspace', '"even"');
    expectConfigError(() => make({ beta_schedule: 'exp' }), 'beta_schedule', 'scaled_linear', '"exp"');
    expectConfigError(() => make({ steps_offset: '1' }), 'steps_offset', 'number', '"1"');
  });

  it('takes its own defaults for missing keys, as from_config does (linear betas, linspace, no offset)', () => {
    const bare = new LMSDiscreteScheduler({});
    bare.setTimesteps(4);
    expect(bare.timesteps).toEqual([999, 666, 333, 0]);
    // Linear betas 1e-4 .. 0.02 give a much larger sigma_max than SD's scaled-linear schedule.
    expect(bare.initNoiseSigma).toBeGreaterThan(100);
  });
});
