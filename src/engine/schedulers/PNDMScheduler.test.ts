// PNDMScheduler against diffusers' reference vectors, plus the behaviour the vectors do not cover.
import { describe, expect, it } from 'vitest';
import { SchedulerConfigError } from '../errors';
import { DDIMScheduler } from './DDIMScheduler';
import { PNDMScheduler } from './PNDMScheduler';
import type { Scheduler } from './Scheduler';
import { describeSchedulerReference, loadSchedulerReference } from '../../../test/referenceHarness';
import { expectAllFinite, expectConfigError, expectDecreasingWithin, runLoop, testTensor } from '../../../test/schedulerTestKit';
import { loadReference } from '../../../test/referenceData';

describeSchedulerReference('PNDMScheduler', (config) => new PNDMScheduler(config));

const sd15 = loadSchedulerReference('PNDMScheduler').base_config_sd15;
const alphaBars: number[] = loadReference('schedulers/PNDMScheduler.json').alphas_cumprod;
const make = (overrides: Record<string, unknown> = {}) => new PNDMScheduler({ ...sd15, ...overrides });
/** PNDM visits the second timestep twice (warm-up step, then its correction). */
const withRepeat = (timesteps: number[]) => (timesteps.length > 1 ? [timesteps[0], ...timesteps.slice(1, 2), ...timesteps.slice(1)] : timesteps);

describe('PNDMScheduler timesteps', () => {
  it('are the spaced timesteps with the second one repeated, for 1, 2, 50 and 500 steps', () => {
    for (const n of [1, 2, 50, 500]) {
      const leading = make();
      leading.setTimesteps(n);
      expect(leading.timesteps).toEqual(withRepeat(Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + 1)));
      const trailing = make({ timestep_spacing: 'trailing' });
      trailing.setTimesteps(n);
      expect(trailing.timesteps).toEqual(withRepeat(Array.from({ length: n }, (_, i) => 999 - (i * 1000) / n)));
    }
  });

  it('linspace spacing ignores steps_offset, as diffusers PNDM does', () => {
    const scheduler = make({ timestep_spacing: 'linspace', steps_offset: 1 });
    scheduler.setTimesteps(2);
    expect(scheduler.timesteps).toEqual([999, 0, 0]);
  });

  it('every step count from 1 to 500 gives n + 1 timesteps (1 for one step) and a finite loop', () => {
    for (const spacing of ['leading', 'trailing', 'linspace']) {
      for (let n = 1; n <= 500; n++) {
        const scheduler = make({ timestep_spacing: spacing });
        const { final } = runLoop(scheduler, n);
        const timesteps = scheduler.timesteps;
        expect(timesteps).toHaveLength(n === 1 ? 1 : n + 1);
        expectDecreasingWithin([...timesteps.slice(0, 2), ...timesteps.slice(3)], 0, 999);
        expectAllFinite(final);
      }
    }
  });
});

describe('PNDMScheduler step', () => {
  /** Runs a whole loop in which the model always predicts the same noise. */
  function constantNoiseLoop(scheduler: Scheduler, n: number, eps: Float32Array, start: Float32Array): Float32Array {
    scheduler.setTimesteps(n);
    let latent = start;
    for (const t of scheduler.timesteps) latent = scheduler.step(eps, t, latent).prevSample;
    return latent;
  }

  it('with a constant noise prediction every multistep formula reduces to DDIM', () => {
    // The warm-up average and the Adams-Bashforth weights each sum to 1, and PNDM's transfer (Liu et al. eq. 11)
    // is DDIM's deterministic update, so constant eps must reproduce DDIM (Song et al. eq. 12) step for step.
    const eps = testTensor(64, 1);
    const start = testTensor(64, 2);
    for (const n of [1, 2, 3, 4, 10, 25]) {
      const pndm = constantNoiseLoop(make(), n, eps, start);
      const ddim = constantNoiseLoop(new DDIMScheduler(sd15), n, eps, start);
      for (let i = 0; i < 64; i++) expect(pndm[i]).toBeCloseTo(ddim[i], 4);
    }
  });

  it('reads a v_prediction output as the noise it implies', () => {
    const [x0, eps] = [testTensor(64, 3), testTensor(64, 4)];
    const a = alphaBars[751];
    const sample = x0.map((x, i) => Math.sqrt(a) * x + Math.sqrt(1 - a) * eps[i]);
    const v = eps.map((e, i) => Math.sqrt(a) * e - Math.sqrt(1 - a) * x0[i]);
    const [byEps, byV] = [make(), make({ prediction_type: 'v_prediction' })];
    byEps.setTimesteps(4);
    byV.setTimesteps(4);
    const expected = byEps.step(eps, 751, sample).prevSample;
    const actual = byV.step(v, 751, sample).prevSample;
    for (let i = 0; i < 64; i++) expect(actual[i]).toBeCloseTo(expected[i], 5);
  });

  it('setTimesteps starts the multistep history afresh', () => {
    const scheduler = make();
    const eps = testTensor(64, 5);
    const start = testTensor(64, 6);
    const first = constantNoiseLoop(scheduler, 10, eps, start);
    const again = constantNoiseLoop(scheduler, 10, eps, start);
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});

describe('PNDMScheduler config', () => {
  it('refuses the Runge-Kutta warm-up (skip_prk_steps false, also the class default)', () => {
    expectConfigError(() => make({ skip_prk_steps: false }), 'skip_prk_steps', 'true', 'false');
    expect(() => new PNDMScheduler({})).toThrow(SchedulerConfigError);
  });

  it('rejects values it does not support, naming the key, the allowed values and what came', () => {
    expectConfigError(() => make({ prediction_type: 'sample' }), 'prediction_type', 'epsilon', 'v_prediction', '"sample"');
    expectConfigError(() => make({ timestep_spacing: 'even' }), 'timestep_spacing', 'trailing', '"even"');
    expectConfigError(() => make({ steps_offset: '1' }), 'steps_offset', 'number', '"1"');
  });
});
