// DPMSolverMultistepScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { DPMSolverMultistepScheduler } from './DPMSolverMultistepScheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import {
  expectAllFinite,
  expectConfigError,
  expectDecreasingWithin,
  expectedMultistepTimesteps,
  runLoop,
  testTensor,
} from '../../../test/schedulerTestKit';

describeSchedulerReference('DPMSolverMultistepScheduler', (config) => new DPMSolverMultistepScheduler(config));

const sd15 = loadSchedulerReference('DPMSolverMultistepScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/DPMSolverMultistepScheduler.json').alphas_cumprod;
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
const make = (overrides: Record<string, unknown> = {}) => new DPMSolverMultistepScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};
/** The VP view of a noise level s: x = alpha * x0 + sigma * eps with alpha = 1 / sqrt(s² + 1), and lambda = -ln s. */
const vp = (s: number) => ({ alpha: 1 / Math.sqrt(s * s + 1), sigma: s / Math.sqrt(s * s + 1), lambda: -Math.log(s) });

describe('DPMSolverMultistepScheduler schedule', () => {
  it('timesteps for 1, 2, 50 and 500 steps follow each spacing formula; sigmas are the training sigmas, then 0', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (const n of [1, 2, 50, 500]) {
        const scheduler = scheduled(n, { timestep_spacing: spacing });
        expect(scheduler.timesteps).toEqual(expectedMultistepTimesteps(spacing, n));
        const sigmas = scheduler.sigmas!;
        expect(sigmas).toHaveLength(n + 1);
        scheduler.timesteps.forEach((t, i) => expect(sigmas[i] / trainSigma(t)).toBeCloseTo(1, 4));
        expect(sigmas[n]).toBe(0);
        expect(scheduler.initNoiseSigma).toBe(1);
      }
    }
  });

  it('every step count from 1 to 500 gives a decreasing integer schedule and a finite loop', () => {
    for (const overrides of [{}, { timestep_spacing: 'leading' }, { timestep_spacing: 'trailing' }, { solver_order: 3 }]) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make(overrides);
        const { final } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(n);
        expectDecreasingWithin(scheduler.timesteps, 0, 999);
        expect(scheduler.timesteps.every(Number.isInteger)).toBe(true);
        expectAllFinite(final);
      }
    }
  });

  it('DPM++ 2M Karras: n sigmas from sigma_max down to sigma_min in rho = 7 spacing, integer timesteps in range', () => {
    for (let n = 1; n <= 500; n++) {
      const scheduler = make({ use_karras_sigmas: true });
      const { final } = runLoop(scheduler, n);
      const { timesteps } = scheduler;
      const sigmas = scheduler.sigmas!;
      expect(sigmas).toHaveLength(n + 1);
      expect(sigmas[n]).toBe(0);
      expectDecreasingWithin(Array.from(sigmas.subarray(0, n)), 0.029, 14.62);
      expect(sigmas[0] / trainSigma(999)).toBeCloseTo(1, 5);
      if (n > 1) expect(sigmas[n - 1] / trainSigma(0)).toBeCloseTo(1, 4);
      // Rounded, the timesteps of the densely packed small sigmas repeat near 0 for long schedules (diffusers too).
      expect(timesteps).toHaveLength(n);
      expect(timesteps.every((t, i) => Number.isInteger(t) && t >= 0 && t <= 999 && (i === 0 || t <= timesteps[i - 1]))).toBe(true);
      expect(timesteps[0]).toBe(999);
      expectAllFinite(final);
    }
    const { sigmas } = scheduled(25, { use_karras_sigmas: true });
    const root = (i: number) => sigmas![i] ** (1 / 7);
    for (let i = 1; i < 25; i++) expect(root(i) - root(i - 1)).toBeCloseTo((root(24) - root(0)) / 24, 5);
  });

  it('final_sigmas_type "sigma_min" ends on the smallest training sigma', () => {
    expect(scheduled(4, { final_sigmas_type: 'sigma_min' }).sigmas![4] / trainSigma(0)).toBeCloseTo(1, 4);
  });

  it('lambda_min_clipped drops the noisiest timesteps, whose log-SNR lies below it; "-inf" is the default', () => {
    expect(scheduled(10, { lambda_min_clipped: '-inf' }).timesteps).toEqual(scheduled(10).timesteps);
    const clip = -2;
    const logSnr = (t: number) => 0.5 * Math.log(alphaBars[t] / (1 - alphaBars[t]));
    const kept = alphaBars.filter((_, t) => logSnr(t) >= clip).length;
    const clipped = scheduled(10, { lambda_min_clipped: clip });
    // linspace over the kept range [0, kept - 1]: it starts at the last kept timestep.
    expect(clipped.timesteps[0]).toBe(kept - 1);
    expect(kept).toBeLessThan(1000);
    expect(-Math.log(clipped.sigmas![0])).toBeGreaterThanOrEqual(clip - 1e-6);
  });

  it('rescale_betas_zero_snr keeps the first sigma finite at sqrt((1 - 2^-24) / 2^-24)', () => {
    const scheduler = scheduled(4, { rescale_betas_zero_snr: true, timestep_spacing: 'trailing' });
    expect(scheduler.sigmas![0]).toBeCloseTo(Math.sqrt(2 ** 24 - 1), 2);
    expectAllFinite(runLoop(make({ rescale_betas_zero_snr: true, timestep_spacing: 'trailing' }), 4).final);
  });
});

describe('DPMSolverMultistepScheduler step', () => {
  it('one step lands on the clean sample each prediction type implies (v_prediction derived by hand)', () => {
    // One step runs from the sigma of timestep 999 to 0; DPM-Solver++ then returns its x0 estimate.
    const { alpha, sigma } = vp(trainSigma(999));
    const sample = new Float32Array([2]);
    const output = new Float32Array([0.5]);
    const expected = { epsilon: (2 - sigma * 0.5) / alpha, v_prediction: alpha * 2 - sigma * 0.5, sample: 0.5 };
    for (const [type, x0] of Object.entries(expected)) {
      const scheduler = scheduled(1, { prediction_type: type });
      expect(scheduler.timesteps).toEqual([999]);
      expect(scheduler.step(output, 999, sample).prevSample[0]).toBeCloseTo(x0, 4);
    }
    expect(expected.v_prediction).not.toBeCloseTo(expected.epsilon, 0);
  });

  it('first order is DDIM: x0 = (x - sigma_s eps) / alpha_s, then alpha_t x0 + sigma_t eps', () => {
    for (const algorithm_type of ['dpmsolver++', 'dpmsolver']) {
      const scheduler = scheduled(10, { solver_order: 1, algorithm_type, final_sigmas_type: 'sigma_min' });
      const sigmas = scheduler.sigmas!;
      const sample = testTensor(16, 1);
      const eps = testTensor(16, 2);
      for (let k = 0; k < 4; k++) {
        const { prevSample } = scheduler.step(eps, scheduler.timesteps[k], sample);
        const [s, t] = [vp(sigmas[k]), vp(sigmas[k + 1])];
        sample.forEach((x, i) => expect(prevSample[i]).toBeCloseTo(t.alpha * ((x - s.sigma * eps[i]) / s.alpha) + t.sigma * eps[i], 5));
      }
    }
  });

  // The exact solution over one step when the data prediction x0(lambda), or the noise prediction eps(lambda), is
  // linear in the log-SNR, a + b·lambda (DPM-Solver++ eq. 9 and DPM-Solver eq. 3.4, integrated by parts):
  //   x_t = (sigma_t / sigma_s) x_s + sigma_t [e^l (a + b(l - 1))] from lambda_s to lambda_t
  //   x_t = (alpha_t / alpha_s) x_s + alpha_t [e^-l (a + b(l + 1))] from lambda_s to lambda_t
  // The multistep updates recover b·h from the earlier outputs and weight it by its exact integral (phi_2), so the
  // Heun second order and the third order are exact here; first order is not. (Third order weights a second
  // derivative by half its integral, as DPM-Solver's own code does, so it is not exact for quadratics.)
  const exactCases: { name: string; config: Record<string, unknown>; exact: boolean }[] = [
    { name: 'DPM-Solver++ 3M', config: { solver_order: 3 }, exact: true },
    { name: 'DPM-Solver++ 2M heun', config: { solver_type: 'heun' }, exact: true },
    { name: 'DPM-Solver 3M', config: { solver_order: 3, algorithm_type: 'dpmsolver' }, exact: true },
    { name: 'DPM-Solver 2M heun', config: { solver_type: 'heun', algorithm_type: 'dpmsolver' }, exact: true },
    { name: 'DPM-Solver++ first order', config: { solver_order: 1 }, exact: false },
  ];
  for (const { name, config, exact } of exactCases) {
    it(`${name}: one update ${exact ? 'integrates' : 'does not integrate'} a prediction linear in lambda exactly`, () => {
      const noisePrediction = config.algorithm_type === 'dpmsolver';
      const scheduler = scheduled(10, {
        ...config,
        prediction_type: noisePrediction ? 'epsilon' : 'sample',
        final_sigmas_type: 'sigma_min',
      });
      const sigmas = scheduler.sigmas!;
      const [a, b] = [testTensor(16, 3), testTensor(16, 4)];
      const prediction = (lambda: number) => a.map((ai, i) => ai + b[i] * lambda);
      const primitive = (lambda: number, i: number) =>
        noisePrediction ? Math.exp(-lambda) * (a[i] + b[i] * (lambda + 1)) : Math.exp(lambda) * (a[i] + b[i] * (lambda - 1));
      // Warm the history up with exact predictions at the earlier steps (their samples do not matter).
      const k = 4;
      for (let j = 0; j < k; j++) scheduler.step(prediction(vp(sigmas[j]).lambda), scheduler.timesteps[j], testTensor(16, 10 + j));
      const sample = testTensor(16, 6);
      const [s, t] = [vp(sigmas[k]), vp(sigmas[k + 1])];
      const { prevSample } = scheduler.step(prediction(s.lambda), scheduler.timesteps[k], sample);
      const solution = sample.map((x, i) =>
        noisePrediction
          ? (t.alpha / s.alpha) * x + t.alpha * (primitive(t.lambda, i) - primitive(s.lambda, i))
          : (t.sigma / s.sigma) * x + t.sigma * (primitive(t.lambda, i) - primitive(s.lambda, i)),
      );
      const worst = Math.max(...solution.map((v, i) => Math.abs(prevSample[i] - v)));
      if (exact) expect(worst).toBeLessThan(5e-5);
      else expect(worst).toBeGreaterThan(1e-3);
    });
  }

  it('sde-dpmsolver++ draws one noise tensor per step from the noise source and needs one', () => {
    const { final, draws } = runLoop(make({ algorithm_type: 'sde-dpmsolver++' }), 12);
    expect(draws).toBe(12);
    expectAllFinite(final);
    const scheduler = scheduled(12, { algorithm_type: 'sde-dpmsolver++' });
    const sample = testTensor(16, 1);
    expect(() => scheduler.step(sample, 999, sample)).toThrow(/needs a noise source/);
    // Without noise the SDE step is a different (deterministic) update than the ODE one.
    const zeroNoise = { randn: (shape: number[]) => new Float32Array(shape[0]) };
    const ode = scheduled(12).step(sample, 999, sample).prevSample;
    const sde = scheduled(12, { algorithm_type: 'sde-dpmsolver++' }).step(sample, 999, sample, zeroNoise).prevSample;
    expect(Array.from(sde)).not.toEqual(Array.from(ode));
  });

  it('finds its place from the first timestep, or from setBeginIndex; a resumed run starts with a first-order step', () => {
    const sample = testTensor(16, 1);
    const eps = testTensor(16, 2);
    expect(() => scheduled(10).step(eps, 998, sample)).toThrow(/not in the current schedule/);
    expect(() => make().step(eps, 999, sample)).toThrow(/setTimesteps/);
    const resumed = scheduled(10, { algorithm_type: 'dpmsolver++' });
    resumed.setBeginIndex(3);
    const sigmas = resumed.sigmas!;
    const [s, t] = [vp(sigmas[3]), vp(sigmas[4])];
    const { prevSample } = resumed.step(eps, resumed.timesteps[3], sample);
    sample.forEach((x, i) => expect(prevSample[i]).toBeCloseTo(t.alpha * ((x - s.sigma * eps[i]) / s.alpha) + t.sigma * eps[i], 5));
  });
});

describe('DPMSolverMultistepScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ algorithm_type: 'sde-dpmsolver' }), 'algorithm_type', 'dpmsolver++', '"sde-dpmsolver"');
    expectConfigError(() => make({ solver_order: 4 }), 'solver_order', '1, 2, 3', '"4"');
    expectConfigError(() => make({ solver_type: 'euler' }), 'solver_type', 'midpoint', 'heun', '"euler"');
    expectConfigError(() => make({ prediction_type: 'flow_prediction' }), 'prediction_type', 'v_prediction', '"flow_prediction"');
    expectConfigError(() => make({ final_sigmas_type: 'one' }), 'final_sigmas_type', 'sigma_min', '"one"');
    expectConfigError(() => make({ algorithm_type: 'dpmsolver' }), 'final_sigmas_type', 'sigma_min', '"zero"');
    expectConfigError(() => make({ variance_type: 'learned_range' }), 'variance_type', 'null', '"learned_range"');
    expectConfigError(() => make({ lambda_min_clipped: 'minus five' }), 'lambda_min_clipped', '-inf', '"minus five"');
    expectConfigError(() => scheduled(4, { lambda_min_clipped: 'nan' }), 'lambda_min_clipped', 'NaN');
    for (const key of ['thresholding', 'use_exponential_sigmas', 'use_beta_sigmas', 'use_lu_lambdas', 'use_flow_sigmas', 'use_dynamic_shifting']) {
      expectConfigError(() => make({ [key]: true }), key, 'false', 'true');
    }
  });

  it('maps the other solvers\' names as diffusers does: deis to dpmsolver++, bh1/bh2/logrho to midpoint', () => {
    const run = (config: Record<string, unknown>) => Array.from(runLoop(make(config), 6).final);
    expect(run({ algorithm_type: 'deis', solver_type: 'bh2' })).toEqual(run({}));
    expect(run({ solver_type: 'logrho' })).toEqual(run({}));
  });
});
