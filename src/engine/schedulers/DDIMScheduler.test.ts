// DDIMScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { DDIMScheduler } from './DDIMScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';
import { loadReference } from '../../../test/referenceData';

describeSchedulerReference('DDIMScheduler', (config) => new DDIMScheduler(config));

const sd15 = loadSchedulerReference('DDIMScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/DDIMScheduler.json').alphas_cumprod;
const make = (overrides: Record<string, unknown> = {}) => new DDIMScheduler({ ...sd15, ...overrides });
const timestepsFor = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler.timesteps;
};

describe('DDIMScheduler timesteps', () => {
  const counts = [1, 2, 50, 500];

  it('leading: (n - 1 - i) * (1000 // n) + steps_offset', () => {
    for (const n of counts) {
      const expected = Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + 1);
      expect(timestepsFor(n)).toEqual(expected);
    }
    expect(timestepsFor(4, { steps_offset: 0 })).toEqual([750, 500, 250, 0]);
  });

  it('trailing: 1000 - i * 1000 / n - 1, rounded as numpy rounds its arange', () => {
    for (const n of counts) {
      expect(timestepsFor(n, { timestep_spacing: 'trailing' })).toEqual(Array.from({ length: n }, (_, i) => 999 - (i * 1000) / n));
    }
    // numpy's arange carries the step with one float64 rounding: 937.5 becomes 937.4999... and rounds down.
    expect(timestepsFor(48, { timestep_spacing: 'trailing' })[3]).toBe(936);
    // numpy sizes arange(1000, 0, -1000/61) at 62 (ending in timestep -1); the schedule keeps n timesteps.
    const sixtyOne = timestepsFor(61, { timestep_spacing: 'trailing' });
    expect(sixtyOne).toHaveLength(61);
    expect(sixtyOne[60]).toBe(15);
  });

  it('linspace: 999 * (n - 1 - i) / (n - 1), rounded', () => {
    expect(timestepsFor(1, { timestep_spacing: 'linspace' })).toEqual([0]);
    for (const n of [2, 50, 500]) {
      const expected = Array.from({ length: n }, (_, i) => Math.round((999 * (n - 1 - i)) / (n - 1)));
      expect(timestepsFor(n, { timestep_spacing: 'linspace' })).toEqual(expected);
    }
  });

  it('every step count from 1 to 500 gives n decreasing timesteps in range and a finite loop', () => {
    for (const spacing of ['leading', 'trailing', 'linspace']) {
      for (let n = 1; n <= 500; n++) {
        const timesteps = timestepsFor(n, { timestep_spacing: spacing });
        expect(timesteps).toHaveLength(n);
        expectDecreasingWithin(timesteps, 0, 999);
      }
    }
    for (let n = 1; n <= 500; n++) expectAllFinite(runLoop(make(), n).final);
  });

  it('rejects step counts outside 1..num_train_timesteps', () => {
    for (const n of [0, 1001, 2.5]) expect(() => make().setTimesteps(n)).toThrow(EngineError);
  });
});

describe('DDIMScheduler step', () => {
  const x0 = testTensor(64, 1);
  const eps = testTensor(64, 2);

  /** One step from the sample that x0 and eps make at timestep t, with each parameterisation of the output. */
  function stepWith(predictionType: string, t: number) {
    const scheduler = make({ prediction_type: predictionType, clip_sample: false });
    scheduler.setTimesteps(4);
    const a = alphaBars[t];
    const sample = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
    const output = { epsilon: eps, sample: x0, v_prediction: eps.map((e, i) => Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[i]) }[
      predictionType
    ]!;
    return scheduler.step(output, t, sample);
  }

  it('epsilon, sample and v_prediction outputs that describe the same x0 give the same step', () => {
    // 4 steps: 501 -> 251, landing on sqrt(a_prev) x0 + sqrt(1 - a_prev) eps (Song et al. eq. 12, eta 0).
    const aPrev = alphaBars[251];
    const expected = x0.map((x, i) => Math.sqrt(aPrev) * x + Math.sqrt(1 - aPrev) * eps[i]);
    for (const type of ['epsilon', 'sample', 'v_prediction']) {
      const { prevSample, predOriginalSample } = stepWith(type, 501);
      for (let i = 0; i < x0.length; i++) {
        expect(predOriginalSample![i]).toBeCloseTo(x0[i], 5);
        expect(prevSample[i]).toBeCloseTo(expected[i], 5);
      }
    }
  });

  it('steps back by 1000 // n whatever the spacing, as diffusers does (trailing 3 steps: 666 -> 333, not 332)', () => {
    const scheduler = make({ timestep_spacing: 'trailing', clip_sample: false });
    scheduler.setTimesteps(3);
    expect(scheduler.timesteps).toEqual([999, 666, 332]);
    const a = alphaBars[666];
    const sample = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
    const { prevSample } = scheduler.step(eps, 666, sample);
    const aPrev = alphaBars[333];
    for (let i = 0; i < x0.length; i++) expect(prevSample[i]).toBeCloseTo(Math.sqrt(aPrev) * x0[i] + Math.sqrt(1 - aPrev) * eps[i], 5);
  });

  it('clip_sample clamps the predicted x0 to clip_sample_range', () => {
    const scheduler = make({ clip_sample: true, clip_sample_range: 0.5 });
    scheduler.setTimesteps(4);
    const { predOriginalSample } = scheduler.step(testTensor(64, 3), 751, testTensor(64, 4));
    expect(Math.max(...predOriginalSample!.map(Math.abs))).toBe(0.5);
  });

  it('set_alpha_to_one makes the last step land exactly on the predicted x0', () => {
    const scheduler = make({ set_alpha_to_one: true });
    scheduler.setTimesteps(1);
    const { prevSample, predOriginalSample } = scheduler.step(testTensor(64, 3), scheduler.timesteps[0], testTensor(64, 4));
    expect(Array.from(prevSample)).toEqual(Array.from(predOriginalSample!));
  });

  it('rescale_betas_zero_snr: at the last training step alpha-bar is 0, so x0 = -v exactly', () => {
    const scheduler = make({ rescale_betas_zero_snr: true, prediction_type: 'v_prediction', timestep_spacing: 'trailing' });
    scheduler.setTimesteps(4);
    expect(scheduler.timesteps[0]).toBe(999);
    const v = testTensor(64, 5);
    const { predOriginalSample } = scheduler.step(v, 999, testTensor(64, 6));
    expect(Array.from(predOriginalSample!)).toEqual(Array.from(v, (x) => -x));
  });
});

describe('DDIMScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ timestep_spacing: 'sideways' }), 'timestep_spacing', 'leading', 'trailing', 'linspace', '"sideways"');
    expectConfigError(() => make({ prediction_type: 'noise' }), 'prediction_type', 'epsilon', 'v_prediction', '"noise"');
    expectConfigError(() => make({ beta_schedule: 'cubic' }), 'beta_schedule', 'scaled_linear', '"cubic"');
    expectConfigError(() => make({ thresholding: true }), 'thresholding', 'false', 'true');
    expectConfigError(() => make({ clip_sample: 'yes' }), 'clip_sample', 'boolean', '"yes"');
  });

  it('takes the class defaults for missing keys (clip_sample and set_alpha_to_one on, leading spacing)', () => {
    const scheduler = new DDIMScheduler({});
    scheduler.setTimesteps(4);
    expect(scheduler.timesteps).toEqual([750, 500, 250, 0]);
    const { predOriginalSample } = scheduler.step(testTensor(64, 3).map((x) => 10 * x), 750, testTensor(64, 4));
    expect(Math.max(...predOriginalSample!.map(Math.abs))).toBe(1);
  });
});
