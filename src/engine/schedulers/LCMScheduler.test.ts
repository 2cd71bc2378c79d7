// LCMScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import type { NoiseSource } from '../random/NoiseSource';
import { LCMScheduler } from './LCMScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';
import { loadReference } from '../../../test/referenceData';

describeSchedulerReference('LCMScheduler', (config) => new LCMScheduler(config));

const sd15 = loadSchedulerReference('LCMScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/LCMScheduler.json').alphas_cumprod;
const make = (overrides: Record<string, unknown> = {}) => new LCMScheduler({ ...sd15, ...overrides });

/** n of the `original` distillation timesteps ((j + 1) * T/original - 1), taken at positions floor(i * original / n) from the top. */
const lcmTimesteps = (n: number, original: number) =>
  Array.from({ length: n }, (_, i) => (original - Math.floor((i * original) / n)) * (1000 / original) - 1);

describe('LCMScheduler timesteps', () => {
  it('pick evenly from the original_inference_steps schedule, for 1, 2, 4 and 50 steps', () => {
    for (const n of [1, 2, 4, 50]) {
      const scheduler = make();
      scheduler.setTimesteps(n);
      expect(scheduler.timesteps).toEqual(lcmTimesteps(n, 50));
    }
    const scheduler = make({ original_inference_steps: 100 });
    scheduler.setTimesteps(8);
    expect(scheduler.timesteps).toEqual(lcmTimesteps(8, 100));
  });

  it('refuse more steps than original_inference_steps (500 of 50), as diffusers does', () => {
    expect(() => make().setTimesteps(500)).toThrow(EngineError);
    expect(() => make().setTimesteps(51)).toThrow(/original_inference_steps \(50\)/);
  });

  it('every allowed step count gives a decreasing schedule and a finite loop that draws noise on all but the last step', () => {
    for (let n = 1; n <= 50; n++) {
      const scheduler = make();
      const { final, draws } = runLoop(scheduler, n);
      expect(scheduler.timesteps).toHaveLength(n);
      expectDecreasingWithin(scheduler.timesteps, 0, 999);
      expect(draws).toBe(n - 1);
      expectAllFinite(final);
    }
  });

  it('do not depend on timestep_spacing or steps_offset (diffusers LCM reads neither)', () => {
    const scheduler = make({ timestep_spacing: 'trailing', steps_offset: 5 });
    scheduler.setTimesteps(4);
    expect(scheduler.timesteps).toEqual(lcmTimesteps(4, 50));
  });
});

describe('LCMScheduler step', () => {
  const x0 = testTensor(64, 1);
  const eps = testTensor(64, 2);

  it('the last step returns the consistency function c_skip * x + c_out * x0 for every prediction type', () => {
    // Song et al. 2023 eq. 8 with sigma_data 0.5 and the timestep scaled by 10, computed in float64.
    const t = 259; // last of 4 steps
    const a = alphaBars[t];
    const scaled = 10 * t;
    const cSkip = 0.25 / (scaled ** 2 + 0.25);
    const cOut = scaled / Math.sqrt(scaled ** 2 + 0.25);
    const sample = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
    const outputs = { epsilon: eps, sample: x0, v_prediction: eps.map((e, i) => Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[i]) };
    for (const [type, output] of Object.entries(outputs)) {
      const scheduler = make({ prediction_type: type });
      scheduler.setTimesteps(4);
      scheduler.setBeginIndex(3);
      const { prevSample } = scheduler.step(output, t, sample);
      for (let i = 0; i < 64; i++) expect(prevSample[i]).toBeCloseTo(cSkip * sample[i] + cOut * x0[i], 5);
    }
  });

  it('re-noises to the next timestep with the noise source', () => {
    const noise = testTensor(64, 3);
    const zeros = new Float32Array(64);
    const stepWith = (values: Float32Array) => {
      const scheduler = make();
      scheduler.setTimesteps(4);
      const source: NoiseSource = { randn: () => values };
      return scheduler.step(eps, 999, x0, source).prevSample;
    };
    const [noisy, clean] = [stepWith(noise), stepWith(zeros)];
    const std = Math.sqrt(1 - alphaBars[759]);
    for (let i = 0; i < 64; i++) expect(noisy[i] - clean[i]).toBeCloseTo(std * noise[i], 5);
  });

  it('throws when a step before the last has no noise source', () => {
    const scheduler = make();
    scheduler.setTimesteps(4);
    expect(() => scheduler.step(eps, 999, x0)).toThrow(/needs a noise source/);
  });
});

describe('LCMScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ original_inference_steps: 0 }), 'original_inference_steps', '1 to 1000', '0');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'leading', '"even"');
    expectConfigError(() => make({ prediction_type: 'noise' }), 'prediction_type', 'epsilon', '"noise"');
    expectConfigError(() => make({ thresholding: true }), 'thresholding', 'false');
    expectConfigError(() => make({ timestep_scaling: '10' }), 'timestep_scaling', 'number', '"10"');
  });
});
