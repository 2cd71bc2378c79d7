// UniPCMultistepScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { DPMSolverMultistepScheduler } from './DPMSolverMultistepScheduler';
import type { Scheduler } from './Scheduler';
import { UniPCMultistepScheduler } from './UniPCMultistepScheduler';
import { describeSchedulerReference, fakeModel, loadSchedulerReference } from '../../../test/referenceHarness';
import {
  expectAllFinite,
  expectConfigError,
  expectDecreasingWithin,
  expectedMultistepTimesteps,
  runLoop,
  testTensor,
} from '../../../test/schedulerTestKit';

describeSchedulerReference('UniPCMultistepScheduler', (config) => new UniPCMultistepScheduler(config));

const sd15 = loadSchedulerReference('UniPCMultistepScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/UniPCMultistepScheduler.json').alphas_cumprod;
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
const make = (overrides: Record<string, unknown> = {}) => new UniPCMultistepScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};
const vp = (s: number) => ({ alpha: 1 / Math.sqrt(s * s + 1), sigma: s / Math.sqrt(s * s + 1) });
/** Every latent of a fake-model loop, the start first. */
const trajectory = (scheduler: Scheduler, n: number) => {
  scheduler.setTimesteps(n);
  const latents: Float32Array[] = [testTensor(16, 7)];
  for (const t of scheduler.timesteps) {
    const latent = latents[latents.length - 1];
    latents.push(scheduler.step(fakeModel(scheduler.scaleModelInput(latent, t), t), t, latent).prevSample);
  }
  return latents.map((latent) => Array.from(latent));
};

describe('UniPCMultistepScheduler schedule', () => {
  it('timesteps for 1, 2, 50 and 500 steps follow each spacing formula; sigmas are the training sigmas, then 0', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (const n of [1, 2, 50, 500]) {
        const scheduler = scheduled(n, { timestep_spacing: spacing });
        expect(scheduler.timesteps).toEqual(expectedMultistepTimesteps(spacing, n));
        const sigmas = scheduler.sigmas!;
        expect(sigmas).toHaveLength(n + 1);
        scheduler.timesteps.forEach((t, i) => expect(sigmas[i] / trainSigma(t)).toBeCloseTo(1, 4));
        expect(sigmas[n]).toBe(0);
      }
    }
  });

  it('every step count from 1 to 500 gives a decreasing integer schedule and a finite loop', () => {
    const configs = [{}, { timestep_spacing: 'leading', solver_order: 3 }, { timestep_spacing: 'trailing', solver_type: 'bh1' }];
    for (const overrides of configs) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make(overrides);
        const { final } = runLoop(scheduler, n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expectAllFinite(final);
      }
    }
  });

  it('use_karras_sigmas: rho = 7 sigmas between sigma_max and sigma_min (config values when given), integer timesteps', () => {
    for (let n = 1; n <= 500; n++) {
      const scheduler = make({ use_karras_sigmas: true });
      expectAllFinite(runLoop(scheduler, n).final);
      const { timesteps } = scheduler;
      expect(timesteps.every((t, i) => Number.isInteger(t) && t >= 0 && t <= 999 && (i === 0 || t <= timesteps[i - 1]))).toBe(true);
      expect(scheduler.sigmas![0] / trainSigma(999)).toBeCloseTo(1, 5);
    }
    const bounded = scheduled(10, { use_karras_sigmas: true, sigma_min: 0.1, sigma_max: 10, final_sigmas_type: 'sigma_min' });
    const sigmas = bounded.sigmas!;
    expect(sigmas[0]).toBeCloseTo(10, 5);
    expect(sigmas[9]).toBeCloseTo(0.1, 6);
    // With Karras sigmas, "sigma_min" repeats the last Karras sigma rather than the smallest training sigma.
    expect(sigmas[10]).toBe(sigmas[9]);
    const root = (i: number) => sigmas[i] ** (1 / 7);
    for (let i = 1; i < 10; i++) expect(root(i) - root(i - 1)).toBeCloseTo((root(9) - root(0)) / 9, 5);
  });

  it('rescale_betas_zero_snr keeps the first sigma finite at sqrt((1 - 2^-24) / 2^-24)', () => {
    const scheduler = scheduled(4, { rescale_betas_zero_snr: true, timestep_spacing: 'trailing' });
    expect(scheduler.sigmas![0]).toBeCloseTo(Math.sqrt(2 ** 24 - 1), 2);
  });
});

describe('UniPCMultistepScheduler step', () => {
  it('one step lands on the clean sample each prediction type implies (v_prediction derived by hand)', () => {
    const { alpha, sigma } = vp(trainSigma(999));
    const sample = new Float32Array([2]);
    const output = new Float32Array([0.5]);
    const expected = { epsilon: (2 - sigma * 0.5) / alpha, v_prediction: alpha * 2 - sigma * 0.5, sample: 0.5 };
    for (const [type, x0] of Object.entries(expected)) {
      expect(scheduled(1, { prediction_type: type }).step(output, 999, sample).prevSample[0]).toBeCloseTo(x0, 4);
    }
  });

  it('with predict_x0 false, one step is DDIM: alpha_t (x - sigma_s eps) / alpha_s + sigma_t eps', () => {
    const scheduler = scheduled(10, { predict_x0: false, final_sigmas_type: 'sigma_min' });
    const sigmas = scheduler.sigmas!;
    const [sample, eps] = [testTensor(16, 1), testTensor(16, 2)];
    const { prevSample } = scheduler.step(eps, scheduler.timesteps[0], sample);
    const [s, t] = [vp(sigmas[0]), vp(sigmas[1])];
    sample.forEach((x, i) => expect(prevSample[i]).toBeCloseTo(t.alpha * ((x - s.sigma * eps[i]) / s.alpha) + t.sigma * eps[i], 5));
  });

  it('first order without the corrector is DPM-Solver++ first order; the corrector changes the result', () => {
    const n = 12;
    const predictorOnly = trajectory(make({ solver_order: 1, disable_corrector: Array.from({ length: n }, (_, i) => i) }), n);
    const dpm = trajectory(new DPMSolverMultistepScheduler({ ...sd15, solver_order: 1 }), n);
    predictorOnly[n].forEach((v, i) => expect(v).toBeCloseTo(dpm[n][i], 5));
    const corrected = trajectory(make({ solver_order: 1 }), n);
    expect(corrected[n]).not.toEqual(predictorOnly[n]);
  });

  it('disable_corrector skips the correction only at the listed steps', () => {
    const n = 8;
    const full = trajectory(make(), n);
    // The correction made at step i refines the result of step i - 1, so listing 3 changes step 4 onwards.
    const skipped = trajectory(make({ disable_corrector: [3] }), n);
    expect(skipped.slice(0, 5)).toEqual(full.slice(0, 5));
    expect(skipped[5]).not.toEqual(full[5]);
  });

  it('bh1 and bh2 are different B(h) choices; both follow the fake model to a finite latent', () => {
    const bh1 = trajectory(make({ solver_type: 'bh1' }), 10);
    const bh2 = trajectory(make({ solver_type: 'bh2' }), 10);
    expect(bh1[10]).not.toEqual(bh2[10]);
    // diffusers replaces DPM-Solver's solver types by bh2.
    expect(trajectory(make({ solver_type: 'midpoint' }), 10)).toEqual(bh2);
  });

  it('finds its place from the first timestep or from setBeginIndex, and refuses other timesteps', () => {
    const sample = testTensor(16, 1);
    expect(() => scheduled(10).step(sample, 998, sample)).toThrow(/not in the current schedule/);
    expect(() => make().step(sample, 999, sample)).toThrow(/setTimesteps/);
    const resumed = scheduled(10);
    resumed.setBeginIndex(3);
    // No history yet: a first-order (DDIM) step from sigma[3] to sigma[4], whatever timestep is passed.
    const [s, t] = [vp(resumed.sigmas![3]), vp(resumed.sigmas![4])];
    const eps = testTensor(16, 2);
    const { prevSample } = resumed.step(eps, resumed.timesteps[3], sample);
    sample.forEach((x, i) => expect(prevSample[i]).toBeCloseTo(t.alpha * ((x - s.sigma * eps[i]) / s.alpha) + t.sigma * eps[i], 5));
  });
});

describe('UniPCMultistepScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ solver_type: 'euler' }), 'solver_type', 'bh1', 'bh2', '"euler"');
    expectConfigError(() => make({ solver_order: 5 }), 'solver_order', '1, 2, 3', '"5"');
    expectConfigError(() => make({ prediction_type: 'flow_prediction' }), 'prediction_type', 'epsilon', '"flow_prediction"');
    expectConfigError(() => make({ final_sigmas_type: 'one' }), 'final_sigmas_type', 'zero', '"one"');
    expectConfigError(() => make({ predict_x0: false }), 'final_sigmas_type', 'sigma_min', '"zero"');
    expectConfigError(() => make({ solver_p: 'DPMSolverMultistepScheduler' }), 'solver_p', 'null', '"DPMSolverMultistepScheduler"');
    expectConfigError(() => make({ shift_terminal: 0.1 }), 'shift_terminal', 'null', '0.1');
    expectConfigError(() => make({ disable_corrector: ['first'] }), 'disable_corrector', 'integers');
    expectConfigError(() => make({ sigma_min: 'small' }), 'sigma_min', 'number or null', '"small"');
    for (const key of ['thresholding', 'use_exponential_sigmas', 'use_beta_sigmas', 'use_flow_sigmas', 'use_dynamic_shifting']) {
      expectConfigError(() => make({ [key]: true }), key, 'false', 'true');
    }
  });
});
