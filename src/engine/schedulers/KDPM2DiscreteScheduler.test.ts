// KDPM2DiscreteScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { loadReference } from '../../../test/referenceData';
import { KDPM2DiscreteScheduler } from './KDPM2DiscreteScheduler';
import { describeSchedulerReference, fakeModel, loadSchedulerReference } from '../../../test/referenceHarness';
import {
  expectAllFinite,
  expectConfigError,
  expectConstantDerivativeIntegrated,
  expectResumableAtEverySolverStep,
  expectDecreasingWithin,
  expectedSigmaTimesteps,
  runLoop,
  testTensor,
} from '../../../test/schedulerTestKit';

describeSchedulerReference('KDPM2DiscreteScheduler', (config) => new KDPM2DiscreteScheduler(config));

const sd15 = loadSchedulerReference('KDPM2DiscreteScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/KDPM2DiscreteScheduler.json').alphas_cumprod;
const trainSigma = (t: number) => Math.sqrt((1 - alphaBars[t]) / alphaBars[t]);
/** The noise level at a fractional timestep, interpolating log-sigma between training steps as `_sigma_to_t` inverts. */
const sigmaAtTimestep = (t: number) => {
  const low = Math.min(Math.floor(t), 998);
  const w = t - low;
  return Math.exp((1 - w) * Math.log(trainSigma(low)) + w * Math.log(trainSigma(low + 1)));
};
const make = (overrides: Record<string, unknown> = {}) => new KDPM2DiscreteScheduler({ ...sd15, ...overrides });
const scheduled = (n: number, overrides: Record<string, unknown> = {}) => {
  const scheduler = make(overrides);
  scheduler.setTimesteps(n);
  return scheduler;
};

describe('KDPM2DiscreteScheduler schedule', () => {
  it('timesteps for 1, 2, 50 and 500 steps: the spacing formula with the midpoint of each step before it (2n - 1)', () => {
    for (const spacing of ['linspace', 'leading', 'trailing']) {
      for (const n of [1, 2, 50, 500]) {
        const { timesteps, sigmas } = scheduled(n, { timestep_spacing: spacing });
        expect(timesteps).toHaveLength(2 * n - 1);
        expect(timesteps.filter((_, i) => i % 2 === 0)).toEqual(expectedSigmaTimesteps(spacing, n));
        expect(sigmas).toHaveLength(2 * n + 2);
        for (let k = 1; k < n; k++) {
          // The midpoint sits at the geometric mean of the two sigmas, mapped back to a fractional timestep.
          const midpoint = timesteps[2 * k - 1];
          expect(midpoint).toBeLessThan(timesteps[2 * k - 2]);
          expect(midpoint).toBeGreaterThan(timesteps[2 * k]);
          expect(sigmaAtTimestep(midpoint) / Math.sqrt(sigmas[2 * k - 2] * sigmas[2 * k])).toBeCloseTo(1, 4);
        }
      }
    }
  });

  it('every step count from 1 to 500 gives a decreasing schedule of 2n - 1 timesteps and a finite loop', () => {
    for (const overrides of [{}, { timestep_spacing: 'leading' }, { timestep_spacing: 'trailing' }, { use_karras_sigmas: true }]) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make(overrides);
        const { final } = runLoop(scheduler, n);
        expect(scheduler.timesteps).toHaveLength(2 * n - 1);
        if ('use_karras_sigmas' in overrides) {
          // Karras rounds the step timesteps (which can then repeat near t = 0 over many steps, as in diffusers)
          // but not the midpoints, which can overshoot their neighbours by up to half a step.
          const steps = scheduler.timesteps.filter((_, i) => i % 2 === 0);
          expect(steps.every((t, i) => Number.isInteger(t) && t >= 0 && t <= 999 && (i === 0 || t <= steps[i - 1]))).toBe(true);
        } else {
          expectDecreasingWithin(scheduler.timesteps, 0, 999);
        }
        expectAllFinite(final);
      }
    }
  });

  it('use_karras_sigmas rounds the step timesteps to integers; the midpoints stay fractional', () => {
    const { timesteps } = scheduled(20, { use_karras_sigmas: true });
    expect(timesteps.filter((_, i) => i % 2 === 0).every(Number.isInteger)).toBe(true);
    expect(timesteps.filter((_, i) => i % 2 === 1).some((t) => !Number.isInteger(t))).toBe(true);
  });
});

describe('KDPM2DiscreteScheduler step', () => {
  it('integrates a constant derivative exactly: the half step and the full step use the same slope', () => {
    expectConstantDerivativeIntegrated(scheduled(10));
  });

  it('one step lands on the clean sample each prediction type implies (v_prediction derived by hand)', () => {
    const sigma = trainSigma(999);
    const sample = new Float32Array([2]);
    const output = new Float32Array([0.5]);
    const expected = {
      epsilon: 2 - sigma * 0.5,
      v_prediction: 2 / (sigma ** 2 + 1) - (0.5 * sigma) / Math.sqrt(sigma ** 2 + 1),
    };
    for (const [type, x0] of Object.entries(expected)) {
      const scheduler = scheduled(1, { prediction_type: type, timestep_spacing: 'trailing' });
      expect(scheduler.step(output, 999, sample).prevSample[0]).toBeCloseTo(x0, 5);
    }
  });

  it('scales the model input by the midpoint sigma on the second half of a step', () => {
    const scheduler = scheduled(4);
    const sample = testTensor(16, 3);
    const [t0, tMid] = scheduler.timesteps;
    scheduler.step(fakeModel(scheduler.scaleModelInput(sample, t0), t0), t0, sample);
    const midpointSigma = Math.sqrt(scheduler.sigmas[0] * scheduler.sigmas[1]);
    expect(scheduler.scaleModelInput(sample, tMid)[0]).toBeCloseTo(sample[0] / Math.sqrt(midpointSigma ** 2 + 1), 5);
  });

  it('a run resumed at any solver step with setBeginIndex continues exactly like the full run', () => {
    expectResumableAtEverySolverStep(scheduled);
  });
});

describe('KDPM2DiscreteScheduler config', () => {
  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    // diffusers raises NotImplementedError for "sample" in this class.
    expectConfigError(() => make({ prediction_type: 'sample' }), 'prediction_type', 'epsilon', 'v_prediction', '"sample"');
    expectConfigError(() => make({ use_exponential_sigmas: true }), 'use_exponential_sigmas', 'false', 'true');
    expectConfigError(() => make({ use_beta_sigmas: true }), 'use_beta_sigmas', 'false', 'true');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'leading', '"even"');
  });
});
