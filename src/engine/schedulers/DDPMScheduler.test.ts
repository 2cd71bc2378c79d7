// DDPMScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { SchedulerConfigError } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import { DDPMScheduler } from './DDPMScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';
import { loadReference } from '../../../test/referenceData';

describeSchedulerReference('DDPMScheduler', (config) => new DDPMScheduler(config));

const sd15 = loadSchedulerReference('DDPMScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/DDPMScheduler.json').alphas_cumprod;
const make = (overrides: Record<string, unknown> = {}) => new DDPMScheduler({ ...sd15, ...overrides });
const fixedNoise = (values: Float32Array): NoiseSource => ({ randn: () => values });

describe('DDPMScheduler timesteps', () => {
  it('follow the spacing formulas for 1, 2, 50 and 500 steps', () => {
    for (const n of [1, 2, 50, 500]) {
      const leading = make();
      leading.setTimesteps(n);
      expect(leading.timesteps).toEqual(Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + 1));
      const trailing = make({ timestep_spacing: 'trailing' });
      trailing.setTimesteps(n);
      expect(trailing.timesteps).toEqual(Array.from({ length: n }, (_, i) => 999 - (i * 1000) / n));
    }
  });

  it('every step count from 1 to 500 runs a finite loop drawing noise at every step above t = 0', () => {
    for (const spacing of ['leading', 'trailing', 'linspace']) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make({ timestep_spacing: spacing });
        const { final, draws } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expect(draws).toBe(scheduler.timesteps.filter((t) => t > 0).length);
        expectAllFinite(final);
      }
    }
  });

  it('runs all 1000 training timesteps with leading spacing and the class default steps_offset 0', () => {
    const scheduler = new DDPMScheduler({ ...sd15, steps_offset: undefined });
    const { final, draws } = runLoop(scheduler, 1000);
    expect(scheduler.timesteps).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
    expect(draws).toBe(999);
    expectAllFinite(final);
  });

  it('refuses 1000 leading steps with steps_offset 1, whose first timestep 1000 is past the schedule', () => {
    expect(() => make().setTimesteps(1000)).toThrow(SchedulerConfigError);
    expect(() => make().setTimesteps(1000)).toThrow(/steps_offset 1 give timestep 1000/);
  });
});

describe('DDPMScheduler step', () => {
  const x0 = testTensor(64, 1);
  const eps = testTensor(64, 2);
  const zeros = new Float32Array(64);

  it('epsilon, sample and v_prediction outputs that describe the same x0 give the same posterior mean', () => {
    // 4 leading steps: 501 -> 251. Posterior mean (Ho et al. eq. 7) of the jump, computed in float64.
    const [a, aPrev] = [alphaBars[501], alphaBars[251]];
    const jumpAlpha = a / aPrev;
    const sample = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
    const expected = x0.map(
      (x, i) => ((Math.sqrt(aPrev) * (1 - jumpAlpha)) / (1 - a)) * x + ((Math.sqrt(jumpAlpha) * (1 - aPrev)) / (1 - a)) * sample[i],
    );
    const outputs = { epsilon: eps, sample: x0, v_prediction: eps.map((e, i) => Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[i]) };
    for (const [type, output] of Object.entries(outputs)) {
      const scheduler = make({ prediction_type: type });
      scheduler.setTimesteps(4);
      const { prevSample } = scheduler.step(output, 501, sample, fixedNoise(zeros));
      for (let i = 0; i < 64; i++) expect(prevSample[i]).toBeCloseTo(expected[i], 5);
    }
  });

  it('scales the noise by the standard deviation of variance_type', () => {
    const [a, aPrev] = [alphaBars[501], alphaBars[251]];
    const beta = 1 - a / aPrev;
    const posterior = ((1 - aPrev) / (1 - a)) * beta;
    const stds = { fixed_small: Math.sqrt(posterior), fixed_small_log: Math.sqrt(posterior), fixed_large: Math.sqrt(beta) };
    const noise = testTensor(64, 9);
    for (const [varianceType, std] of Object.entries(stds)) {
      const stepWith = (values: Float32Array) => {
        const scheduler = make({ variance_type: varianceType });
        scheduler.setTimesteps(4);
        return scheduler.step(eps, 501, x0, fixedNoise(values)).prevSample;
      };
      const [noisy, clean] = [stepWith(noise), stepWith(zeros)];
      for (let i = 0; i < 64; i++) expect(noisy[i] - clean[i]).toBeCloseTo(std * noise[i], 5);
    }
  });

  it('throws when a step above t = 0 has no noise source', () => {
    const scheduler = make();
    scheduler.setTimesteps(4);
    expect(() => scheduler.step(eps, 751, x0)).toThrow(/needs a noise source/);
  });
});

describe('DDPMScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ variance_type: 'learned_range' }), 'variance_type', 'fixed_small', 'fixed_large', '"learned_range"');
    expectConfigError(() => make({ variance_type: 'fixed_large_log' }), 'variance_type', '"fixed_large_log"');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'leading', '"even"');
    expectConfigError(() => make({ prediction_type: 'x0' }), 'prediction_type', 'sample', '"x0"');
    expectConfigError(() => make({ thresholding: true }), 'thresholding', 'false');
  });
});
