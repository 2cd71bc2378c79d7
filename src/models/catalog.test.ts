// The catalog's own checks: every entry says what it is, where its figures came from, and marks what could not be
// confirmed; pinned figures are well-formed and add up; scheduler classes and limits are ones the engine accepts.
import { describe, expect, it } from 'vitest';
import { DIFFUSERS_SCHEDULER_NAMES, engineSchema } from '../engine';
import { CATALOG, DEMO_MODEL_ID } from './catalog';

describe('the model catalog', () => {
  it('has unique ids and the entries the studio needs: SD-Turbo (recommended), SD 1.5, a 9-channel inpainting model, TAESD, the demo', () => {
    const ids = CATALOG.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CATALOG.find((e) => e.id === 'sd-turbo-fp16')).toMatchObject({ recommended: true, dtype: 'float16', needsShaderF16: true, location: { repo: 'schmuell/sd-turbo-ort-web' } });
    expect(CATALOG.some((e) => /1\.5/.test(e.name) && e.modes.includes('text-to-image'))).toBe(true);
    expect(CATALOG.some((e) => e.modes.length === 1 && e.modes[0] === 'inpainting')).toBe(true);
    expect(CATALOG.find((e) => e.kind === 'decoder')?.name).toMatch(/TAESD/);
  });

  it('labels the demo as random weights that make noise', () => {
    const demo = CATALOG.find((e) => e.id === DEMO_MODEL_ID)!;
    expect(demo.demo).toBe(true);
    expect(demo.description).toMatch(/^demo: random weights, makes noise/);
  });

  it('gives every entry a licence and its sources, and marks figures it could not confirm', () => {
    for (const entry of CATALOG) {
      expect(entry.licence.name, entry.id).not.toBe('');
      expect(entry.sources.length, entry.id).toBeGreaterThan(0);
      const complete = Array.isArray(entry.files) && entry.files.every((file) => file.size !== undefined && file.sha256 !== undefined);
      if (!complete && !entry.demo) expect(entry.unconfirmed, `${entry.id} has unconfirmed figures`).toBeTruthy();
    }
  });

  it('pins well-formed SHA-256s, and totals that match the pinned sizes', () => {
    for (const entry of CATALOG) {
      if (!Array.isArray(entry.files)) continue;
      for (const file of entry.files) if (file.sha256) expect(file.sha256, `${entry.id} ${file.path}`).toMatch(/^[0-9a-f]{64}$/);
      if (entry.files.every((file) => file.size !== undefined)) {
        const total = entry.files.reduce((sum, file) => sum + file.size!, 0);
        expect(entry.approxBytes, entry.id).toBe(total);
        expect(entry.largestFileBytes, entry.id).toBe(Math.max(...entry.files.map((file) => file.size!)));
      }
    }
  });

  it('names scheduler classes the engine implements, and profiles the engine accepts', () => {
    for (const entry of CATALOG.filter((e) => e.kind === 'pipeline' && !e.demo)) {
      expect(DIFFUSERS_SCHEDULER_NAMES as readonly string[], entry.id).toContain(entry.scheduler._class_name);
      for (const mode of entry.modes) {
        const schema = engineSchema(mode, entry.profile);
        expect(schema.schedulers, entry.id).toContain(schema.defaults.scheduler);
        for (const field of ['width', 'height', 'num_inference_steps', 'guidance_scale'] as const) {
          const { min, max } = schema.limits[field];
          expect(schema.defaults[field], `${entry.id} ${field}`).toBeGreaterThanOrEqual(min);
          expect(schema.defaults[field], `${entry.id} ${field}`).toBeLessThanOrEqual(max);
        }
      }
    }
  });

  it('gives SD-Turbo its own limits: 512², 1–4 steps, no guidance', () => {
    const schema = engineSchema('text-to-image', CATALOG.find((e) => e.id === 'sd-turbo-fp16')!.profile);
    expect(schema.defaults).toMatchObject({ width: 512, height: 512, num_inference_steps: 1 });
    expect(schema.limits.num_inference_steps).toMatchObject({ min: 1, max: 4 });
    expect(schema.limits.width).toMatchObject({ min: 512, max: 512 });
    expect(schema.limits.guidance_scale.max).toBeLessThanOrEqual(1);
  });
});
