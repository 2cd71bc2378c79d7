// Test-only helpers for the scheduler tests that go beyond the reference vectors: deterministic test tensors,
// schedule shape checks, a counting noise source, a whole-loop runner and config-error assertions.
import { expect } from 'vitest';
import { SchedulerConfigError } from '../src/engine/errors';
import type { NoiseSource } from '../src/engine/random/NoiseSource';
import type { Scheduler } from '../src/engine/schedulers/Scheduler';
import { fakeModel } from './referenceHarness';

/** Deterministic standard-normal-ish values (Box-Muller over a small LCG), as float32. */
export function testTensor(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

/** A noise source that counts its draws and hands out fresh test tensors. */
export class CountingNoise implements NoiseSource {
  draws = 0;
  randn(shape: number[]): Float32Array {
    this.draws++;
    return testTensor(shape.reduce((a, b) => a * b, 1), 1000 + this.draws);
  }
}

/** Timesteps strictly decreasing, every one within [min, max]; reports the first offending position. */
export function expectDecreasingWithin(timesteps: readonly number[], min: number, max: number): void {
  const bad = timesteps.findIndex((t, i) => !(t >= min && t <= max) || (i > 0 && !(t < timesteps[i - 1])));
  expect(bad, `first bad position in ${JSON.stringify(timesteps.slice(0, 8))}... (${timesteps.length})`).toBe(-1);
}

/**
 * Runs a whole denoising loop with the reference's fake model on a small latent and returns the final latent
 * with the number of noise draws made.
 */
export function runLoop(scheduler: Scheduler, numInferenceSteps: number, length = 16): { final: Float32Array; draws: number } {
  scheduler.setTimesteps(numInferenceSteps);
  const noise = new CountingNoise();
  const start = testTensor(length, 7);
  let latent: Float32Array = start.map((v) => v * scheduler.initNoiseSigma);
  for (const t of scheduler.timesteps) {
    const modelOutput = fakeModel(scheduler.scaleModelInput(latent, t), t);
    latent = scheduler.step(modelOutput, t, latent, noise).prevSample;
  }
  return { final: latent, draws: noise.draws };
}

export function expectAllFinite(values: Float32Array): void {
  expect(values.every(Number.isFinite)).toBe(true);
}

/** Expects a SchedulerConfigError whose message names the key and each given fragment (allowed values, what came). */
export function expectConfigError(build: () => unknown, key: string, ...fragments: string[]): void {
  let error: unknown;
  try {
    build();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(SchedulerConfigError);
  const message = (error as Error).message;
  for (const part of [`"${key}"`, ...fragments]) expect(message).toContain(part);
}

/**
 * The k-diffusion family's timesteps (Euler, LMS, Heun, KDPM2) written out from diffusers' formulas: "linspace"
 * is 999 (n - 1 - i) / (n - 1) as float32, "leading" (n - 1 - i) * (1000 // n) + steps_offset, "trailing"
 * round(1000 - i * 1000 / n) - 1 (T = 1000, numpy's half-to-even rounding).
 */
export function expectedSigmaTimesteps(spacing: string, n: number, stepsOffset = 1): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (spacing === 'linspace') return n === 1 ? 0 : Math.fround((999 * (n - 1 - i)) / (n - 1));
    if (spacing === 'leading') return (n - 1 - i) * Math.floor(1000 / n) + stepsOffset;
    return roundHalfEven(1000 - (i * 1000) / n) - 1;
  });
}

/** DPM-Solver's and UniPC's integer timesteps: n of n + 1 evenly spread points, dropping the lowest (T = 1000). */
export function expectedMultistepTimesteps(spacing: string, n: number, stepsOffset = 1): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (spacing === 'linspace') return roundHalfEven((999 * (n - i)) / n);
    if (spacing === 'leading') return (n - i) * Math.floor(1000 / (n + 1)) + stepsOffset;
    return roundHalfEven(1000 - (i * 1000) / n) - 1;
  });
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  return fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
}

/**
 * With a constant noise prediction d, the ODE derivative (x - x0) / sigma is d itself, so a sigma-space solver
 * integrating it exactly ends at `x_start - d * sigma_max` whatever its order or step layout.
 */
export function expectConstantDerivativeIntegrated(scheduler: Scheduler & { sigmas: Float32Array }): void {
  const start = testTensor(16, 1).map((v) => v * scheduler.initNoiseSigma);
  const d = testTensor(16, 2);
  let latent: Float32Array = start;
  for (const t of scheduler.timesteps) latent = scheduler.step(d, t, latent).prevSample;
  start.forEach((x, i) => expect(latent[i]).toBeCloseTo(x - d[i] * scheduler.sigmas[0], 4));
}

/**
 * A run of `n` steps resumed at every solver step with `setBeginIndex` (as image-to-image starts part-way) ends
 * bit-identical to the full run. `scheduled(n)` builds a fresh scheduler with its timesteps set.
 */
export function expectResumableAtEverySolverStep(scheduled: (n: number) => Scheduler, n = 8): void {
  const full = scheduled(n);
  const latents: Float32Array[] = [testTensor(16, 5).map((v) => v * full.initNoiseSigma)];
  for (const t of full.timesteps) {
    const latent = latents[latents.length - 1];
    latents.push(full.step(fakeModel(full.scaleModelInput(latent, t), t), t, latent).prevSample);
  }
  for (let solverStep = 1; solverStep < n; solverStep++) {
    const resumed = scheduled(n);
    const begin = solverStep * resumed.order;
    resumed.setBeginIndex(begin);
    let latent = latents[begin];
    for (const t of resumed.timesteps.slice(begin)) {
      latent = resumed.step(fakeModel(resumed.scaleModelInput(latent, t), t), t, latent).prevSample;
    }
    expect(Array.from(latent)).toEqual(Array.from(latents[latents.length - 1]));
  }
}
