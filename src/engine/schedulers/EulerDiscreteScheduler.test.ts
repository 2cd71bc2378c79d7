// EulerDiscreteScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { EulerDiscreteScheduler } from './EulerDiscreteScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';
import { loadReference } from '../../../test/referenceData';

describeSchedulerReference('EulerDiscreteScheduler', (config) => new EulerDiscreteScheduler(config));

const sd15 = loadSchedulerReference('EulerDiscreteScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/EulerDiscreteScheduler.json').alphas_cumprod;
/** Training noise levels sqrt((1 - a) / a), float64. */
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
const make = (overrides: Record<string, unknown> = {}) => new EulerDiscreteScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};

describe('EulerDiscreteScheduler schedule', () => {
  it('timesteps follow the spacing formulas (float32 for linspace) for 1, 2, 50 and 500 steps', () => {
    expect(scheduled(1).timesteps).toEqual([0]);
    for (const n of [2, 50, 500]) {
      expect(scheduled(n).timesteps).toEqual(Array.from({ length: n }, (_, i) => Math.fround((999 * (n - 1 - i)) / (n - 1))));
    }
    for (const n of [1, 2, 50, 500]) {
      const leading = Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + 1);
      expect(scheduled(n, { timestep_spacing: 'leading' }).timesteps).toEqual(leading);
      const trailing = Array.from({ length: n }, (_, i) => 999 - (i * 1000) / n);
      expect(scheduled(n, { timestep_spacing: 'trailing' }).timesteps).toEqual(trailing);
    }
  });

  it('sigmas are the training sigmas at the timesteps, then 0', () => {
    const scheduler = scheduled(50, { timestep_spacing: 'leading' });
    expect(scheduler.sigmas).toHaveLength(51);
    scheduler.timesteps.forEach((t, i) => expect(scheduler.sigmas[i]).toBeCloseTo(trainSigma(t), 5));
    expect(scheduler.sigmas[50]).toBe(0);
    // Under "leading" the initial noise also covers the unit-variance signal: sqrt(sigma_max² + 1).
    expect(scheduler.initNoiseSigma).toBeCloseTo(Math.sqrt(trainSigma(981) ** 2 + 1), 4);
  });

  it('every step count from 1 to 500 gives a decreasing schedule and a finite, noise-free loop', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make({ timestep_spacing: spacing });
        const { final, draws } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expectDecreasingWithin(Array.from(scheduler.sigmas), 0, 15);
        expect(draws).toBe(0);
        expectAllFinite(final);
      }
    }
  });

  it('use_karras_sigmas: rho = 7 spacing between the schedule ends, with timesteps that map back to them', () => {
    const n = 25;
    const scheduler = scheduled(n, { use_karras_sigmas: true });
    const { sigmas, timesteps } = scheduler;
    expect(sigmas[0]).toBeCloseTo(trainSigma(999), 4);
    expect(sigmas[n - 1]).toBeCloseTo(trainSigma(0), 5);
    expect(sigmas[n]).toBe(0);
    const root = (i: number) => sigmas[i] ** (1 / 7);
    for (let i = 1; i < n; i++) expect(root(i) - root(i - 1)).toBeCloseTo((root(n - 1) - root(0)) / (n - 1), 5);
    // Each timestep interpolates log-sigma linearly between its neighbouring training steps.
    timesteps.forEach((t, i) => {
      const low = Math.min(Math.floor(t), 998);
      const w = t - low;
      const logSigma = (1 - w) * Math.log(trainSigma(low)) + w * Math.log(trainSigma(low + 1));
      expect(Math.exp(logSigma) / sigmas[i]).toBeCloseTo(1, 4);
    });
    const bounded = scheduled(n, { use_karras_sigmas: true, sigma_min: 0.1, sigma_max: 10 });
    expect(bounded.sigmas[0]).toBeCloseTo(10, 5);
    expect(bounded.sigmas[n - 1]).toBeCloseTo(0.1, 6);
  });

  it('final_sigmas_type "sigma_min" ends on the smallest training sigma instead of 0', () => {
    const scheduler = scheduled(4, { final_sigmas_type: 'sigma_min' });
    expect(scheduler.sigmas[4]).toBeCloseTo(trainSigma(0), 5);
  });

  it('timestep_type "continuous" with v_prediction gives timesteps 0.25 * ln(sigma)', () => {
    const scheduler = scheduled(4, { timestep_type: 'continuous', prediction_type: 'v_prediction' });
    scheduler.timesteps.forEach((t, i) => expect(t).toBeCloseTo(0.25 * Math.log(scheduler.sigmas[i]), 6));
    const modelOutput = testTensor(16, 1);
    expectAllFinite(scheduler.step(modelOutput, scheduler.timesteps[0], scheduler.scaleModelInput(modelOutput, scheduler.timesteps[0])).prevSample);
  });

  it('rescale_betas_zero_snr keeps the first sigma finite at sqrt((1 - 2^-24) / 2^-24)', () => {
    const scheduler = scheduled(4, { rescale_betas_zero_snr: true, timestep_spacing: 'trailing' });
    expect(scheduler.sigmas[0]).toBeCloseTo(Math.sqrt(2 ** 24 - 1), 2);
  });
});

describe('EulerDiscreteScheduler step', () => {
  it('epsilon, sample and v_prediction outputs that describe the same x0 give the same step', () => {
    const scheduler = scheduled(4);
    const sigma = scheduler.sigmas[1];
    const [x0, eps] = [testTensor(64, 1), testTensor(64, 2)];
    const sample = x0.map((x, i) => x + sigma * eps[i]);
    const variance = sigma ** 2 + 1;
    const outputs = {
      epsilon: eps,
      sample: x0,
      v_prediction: x0.map((x, i) => ((sample[i] / variance - x) * Math.sqrt(variance)) / sigma),
    };
    // An Euler step from sigma along (x - x0) / sigma lands on x0 + sigma_next * eps.
    const expected = x0.map((x, i) => x + scheduler.sigmas[2] * eps[i]);
    for (const [type, output] of Object.entries(outputs)) {
      const typed = scheduled(4, { prediction_type: type });
      const { prevSample } = typed.step(output, typed.timesteps[1], sample);
      for (let i = 0; i < 64; i++) expect(prevSample[i]).toBeCloseTo(expected[i], 4);
    }
  });

  it('counts steps from the first timestep it sees and refuses to step past the end', () => {
    const scheduler = scheduled(2);
    const sample = testTensor(16, 3);
    scheduler.step(sample, scheduler.timesteps[0], sample);
    scheduler.step(sample, scheduler.timesteps[1], sample);
    expect(() => scheduler.step(sample, scheduler.timesteps[1], sample)).toThrow(EngineError);
    expect(() => scheduled(2).step(sample, 123.5, sample)).toThrow(/not in the current schedule/);
  });
});

describe('EulerDiscreteScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ interpolation_type: 'log_linear' }), 'interpolation_type', 'linear', '"log_linear"');
    expectConfigError(() => make({ use_exponential_sigmas: true }), 'use_exponential_sigmas', 'false', 'true');
    expectConfigError(() => make({ use_beta_sigmas: true }), 'use_beta_sigmas', 'false', 'true');
    expectConfigError(() => make({ final_sigmas_type: 'one' }), 'final_sigmas_type', 'zero', 'sigma_min', '"one"');
    expectConfigError(() => make({ timestep_type: 'fast' }), 'timestep_type', 'discrete', 'continuous', '"fast"');
    expectConfigError(() => make({ sigma_min: 'small' }), 'sigma_min', 'positive number or null', '"small"');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'linspace', '"even"');
  });

  it('reads a null use_karras_sigmas as false, as diffusers does', () => {
    expect(scheduled(4, { use_karras_sigmas: null }).timesteps).toEqual(scheduled(4).timesteps);
  });
});
