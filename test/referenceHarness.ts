// Test-only: checks a scheduler against its diffusers reference vectors (test/reference/schedulers/<Name>.json):
// timesteps, sigmas, every step teacher-forced, a free-running loop with the documented fake model, and img2img.
// Each scheduler's test file calls `describeSchedulerReference` once.
import { describe, expect, it } from 'vitest';
import { f32, loadReference, worstToleranceRatio } from './referenceData';
import type { NoiseSource } from '../src/engine/random/NoiseSource';
import type { Scheduler } from '../src/engine/schedulers/Scheduler';
import { img2imgTimesteps } from '../src/engine/schedulers/img2imgTimesteps';

interface ReferenceStep {
  i: number;
  t: number;
  model_input?: number[];
  model_output: number[];
  noise?: number[];
  prev_sample: number[];
}

interface ReferenceRun {
  num_inference_steps: number;
  timesteps: number[];
  sigmas: number[] | null;
  init_noise_sigma: number;
  order: number;
  initial_latent: number[];
  steps: ReferenceStep[];
  final_latent: number[];
}

interface ReferenceImg2Img {
  num_inference_steps: number;
  strength: number;
  slice_start: number;
  timesteps: number[];
  latent_timestep: number;
  noised_latent: number[];
  steps: ReferenceStep[];
  final_latent: number[];
}

interface ReferenceVariant {
  name: string;
  overrides: Record<string, unknown>;
  config: Record<string, unknown>;
  runs: ReferenceRun[];
  img2img: ReferenceImg2Img[];
}

export interface SchedulerReference {
  base_config_sd15: Record<string, unknown>;
  img2img_original: number[];
  img2img_noise: number[];
  variants: ReferenceVariant[];
}

/** Agreement asked of single teacher-forced steps and of whole free-running loops (absolute + relative). */
export const STEP_TOLERANCE = 1e-6;
export const LOOP_TOLERANCE = 1e-4;

export function loadSchedulerReference(className: string): SchedulerReference {
  return loadReference<SchedulerReference>(`schedulers/${className}.json`);
}

/** Replays recorded noise draws in order, failing on a draw too many or of the wrong size. */
export class ReplayNoise implements NoiseSource {
  private next = 0;
  constructor(private readonly draws: Float32Array[]) {}
  randn(shape: number[]): Float32Array {
    const count = shape.reduce((a, b) => a * b, 1);
    const draw = this.draws[this.next++];
    if (!draw) throw new Error(`noise draw ${this.next} requested, only ${this.draws.length} recorded`);
    if (draw.length !== count) throw new Error(`noise draw of ${count} values requested, recorded ${draw.length}`);
    return draw;
  }
  get used(): number {
    return this.next;
  }
}

/** The reference's fake UNet: `0.5 * x * c + 0.1 * sin(x)` with `c = cos(t / 1000)`, all in float32. */
export function fakeModel(x: Float32Array, t: number): Float32Array {
  const fr = Math.fround;
  const c = fr(Math.cos(fr(t / 1000)));
  const tenth = fr(0.1);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fr(fr(0.5 * x[i]) * c) + fr(tenth * fr(Math.sin(x[i])));
  return out;
}

/** Float timesteps are stored as the shortest decimal of their float32 value (946.4211); integers stay as they are. */
const timestepValues = (timesteps: number[]) => timesteps.map(Math.fround);

const noiseOf = (steps: ReferenceStep[]) => steps.filter((s) => s.noise).map((s) => f32(s.noise!));

/** Steps a scheduler through recorded steps, each from the recorded previous latent; returns the worst ratio. */
function teacherForce(scheduler: Scheduler, start: number[], steps: ReferenceStep[], checkInput: boolean): number {
  let worst = 0;
  let latent = f32(start);
  for (const step of steps) {
    const modelInput = scheduler.scaleModelInput(latent, step.t);
    if (checkInput && step.model_input) {
      worst = Math.max(worst, worstToleranceRatio(modelInput, f32(step.model_input), STEP_TOLERANCE, STEP_TOLERANCE));
    }
    const noise = new ReplayNoise(step.noise ? [f32(step.noise)] : []);
    const { prevSample } = scheduler.step(f32(step.model_output), step.t, latent, noise);
    expect(noise.used, `step ${step.i} (t=${step.t}) noise draws`).toBe(step.noise ? 1 : 0);
    worst = Math.max(worst, worstToleranceRatio(prevSample, f32(step.prev_sample), STEP_TOLERANCE, STEP_TOLERANCE));
    latent = f32(step.prev_sample);
  }
  return worst;
}

/** Runs the denoising loop with the fake model from `start`; returns the final latent. */
function runFree(scheduler: Scheduler, timesteps: number[], start: Float32Array, noise: ReplayNoise): Float32Array {
  let latent = start;
  for (const t of timesteps) {
    const modelOutput = fakeModel(scheduler.scaleModelInput(latent, t), t);
    latent = scheduler.step(modelOutput, t, latent, noise).prevSample;
  }
  return latent;
}

/** Registers the reference tests of one scheduler class. */
export function describeSchedulerReference(className: string, create: (config: Record<string, unknown>) => Scheduler): void {
  const reference = loadSchedulerReference(className);
  // As a pipeline swaps schedulers: the SD 1.5 config plus the variant's overrides, class defaults for the rest.
  const configOf = (variant: ReferenceVariant) => ({ ...reference.base_config_sd15, ...variant.overrides });

  describe(`${className} against diffusers`, () => {
    for (const variant of reference.variants) {
      for (const run of variant.runs) {
        const label = `${variant.name}, ${run.num_inference_steps} steps`;
        const fresh = () => {
          const scheduler = create(configOf(variant));
          scheduler.setTimesteps(run.num_inference_steps);
          return scheduler;
        };

        it(`${label}: timesteps, sigmas, init_noise_sigma and order`, () => {
          const scheduler = fresh();
          expect(scheduler.timesteps).toEqual(timestepValues(run.timesteps));
          expect(scheduler.order).toBe(run.order);
          expect(scheduler.initNoiseSigma).toBe(Math.fround(run.init_noise_sigma));
          if (run.sigmas === null) expect(scheduler.sigmas).toBeUndefined();
          else expect(Array.from(scheduler.sigmas!)).toEqual(Array.from(f32(run.sigmas)));
        });

        it(`${label}: the full resolved config gives the same schedule`, () => {
          const scheduler = create(variant.config);
          scheduler.setTimesteps(run.num_inference_steps);
          expect(scheduler.timesteps).toEqual(timestepValues(run.timesteps));
        });

        it(`${label}: every step, teacher-forced`, () => {
          const worst = teacherForce(fresh(), run.initial_latent, run.steps, true);
          expect(worst).toBeLessThanOrEqual(1);
        });

        it(`${label}: free-running loop reaches the final latent`, () => {
          const scheduler = fresh();
          const noise = new ReplayNoise(noiseOf(run.steps));
          const final = runFree(scheduler, scheduler.timesteps, f32(run.initial_latent), noise);
          expect(noise.used).toBe(noiseOf(run.steps).length);
          expect(worstToleranceRatio(final, f32(run.final_latent), LOOP_TOLERANCE, LOOP_TOLERANCE)).toBeLessThanOrEqual(1);
        });
      }

      for (const img of variant.img2img) {
        const label = `${variant.name}, img2img ${img.num_inference_steps} steps, strength ${img.strength}`;
        const prepared = () => {
          const scheduler = create(configOf(variant));
          scheduler.setTimesteps(img.num_inference_steps);
          return { scheduler, selection: img2imgTimesteps(scheduler, img.num_inference_steps, img.strength) };
        };

        it(`${label}: timesteps, begin index, latent timestep and add_noise`, () => {
          const { scheduler, selection } = prepared();
          expect(selection.timesteps).toEqual(timestepValues(img.timesteps));
          expect(selection.beginIndex).toBe(img.slice_start);
          expect(selection.latentTimestep).toBe(Math.fround(img.latent_timestep));
          const noised = scheduler.addNoise(f32(reference.img2img_original), f32(reference.img2img_noise), selection.latentTimestep);
          expect(worstToleranceRatio(noised, f32(img.noised_latent), STEP_TOLERANCE, STEP_TOLERANCE)).toBeLessThanOrEqual(1);
        });

        it(`${label}: every step teacher-forced, and the free-running loop`, () => {
          const forced = prepared();
          expect(teacherForce(forced.scheduler, img.noised_latent, img.steps, false)).toBeLessThanOrEqual(1);

          const { scheduler, selection } = prepared();
          const noise = new ReplayNoise(noiseOf(img.steps));
          const final = runFree(scheduler, selection.timesteps, f32(img.noised_latent), noise);
          expect(noise.used).toBe(noiseOf(img.steps).length);
          expect(worstToleranceRatio(final, f32(img.final_latent), LOOP_TOLERANCE, LOOP_TOLERANCE)).toBeLessThanOrEqual(1);
        });
      }
    }
  });
}
