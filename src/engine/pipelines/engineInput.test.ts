// Every input field the engine accepts is validated before anything runs, with an error naming the field, what
// was expected and what came; defaults follow the three remote models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareInput, textToImage, ValidationError, type EngineInput, type StableDiffusionModel } from '..';
import type { GenerationMode } from '../../predictions/PredictionInput';
import { loadTinyModel, rectangleMask, testPicture, type RecordedCall } from '../../../test/tinyModel';

const image = testPicture(64, 64);
const mask = rectangleMask(64, 64, 0, 0, 32, 32);

function fieldErrors(model: StableDiffusionModel, mode: GenerationMode, input: EngineInput) {
  try {
    prepareInput(mode, input, model);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors;
  }
  throw new Error('expected a ValidationError');
}

describe('prepareInput', () => {
  let model: StableDiffusionModel;
  beforeAll(async () => {
    model = await loadTinyModel('tiny-sd');
  });
  afterAll(() => model.release());

  const cases: Array<[GenerationMode, EngineInput, string, string]> = [
    ['text-to-image', { width: 500 }, 'width', 'width: expected a multiple of 64 between 64 and 1024, got 500'],
    ['text-to-image', { height: 2048 }, 'height', 'height: expected a multiple of 64 between 64 and 1024, got 2048'],
    ['text-to-image', { height: 0 }, 'height', 'height: expected a multiple of 64 between 64 and 1024, got 0'],
    ['text-to-image', { num_outputs: 5 }, 'num_outputs', 'num_outputs: expected an integer between 1 and 4, got 5'],
    ['text-to-image', { num_outputs: 1.5 }, 'num_outputs', 'num_outputs: expected an integer between 1 and 4, got 1.5'],
    ['image-to-image', { image, num_outputs: 9 }, 'num_outputs', 'num_outputs: expected an integer between 1 and 8, got 9'],
    ['text-to-image', { guidance_scale: 0.5 }, 'guidance_scale', 'guidance_scale: expected a number between 1 and 20, got 0.5'],
    ['text-to-image', { guidance_scale: 21 }, 'guidance_scale', 'guidance_scale: expected a number between 1 and 20, got 21'],
    ['text-to-image', { num_inference_steps: 0 }, 'num_inference_steps', 'num_inference_steps: expected an integer between 1 and 500, got 0'],
    ['text-to-image', { num_inference_steps: 501 }, 'num_inference_steps', 'num_inference_steps: expected an integer between 1 and 500, got 501'],
    ['image-to-image', { image, prompt_strength: 0 }, 'prompt_strength', 'prompt_strength: expected a number in (0, 1], got 0'],
    ['image-to-image', { image, prompt_strength: 1.2 }, 'prompt_strength', 'prompt_strength: expected a number in (0, 1], got 1.2'],
    ['image-to-image', { image, prompt_strength: 0.01, num_inference_steps: 25 }, 'prompt_strength', 'prompt_strength: expected at least 0.04 with 25 steps'],
    ['text-to-image', { scheduler: 'K_HEUN_FAST' }, 'scheduler', 'scheduler: expected one of DDIM, K_EULER, K_EULER_ANCESTRAL, DPMSolverMultistep, PNDM, KLMS, DDIMScheduler'],
    ['text-to-image', { seed: -1 }, 'seed', 'seed: expected an integer between 0 and 9007199254740991, got -1'],
    ['text-to-image', { seed: 2.5 }, 'seed', 'seed: expected an integer between 0 and 9007199254740991, got 2.5'],
    ['text-to-image', { prompt: 42 as unknown as string }, 'prompt', 'prompt: expected a string, got 42'],
    ['text-to-image', { negative_prompt: ['x'] as unknown as string }, 'negative_prompt', 'negative_prompt: expected a string, got an array of 1'],
    ['image-to-image', {}, 'image', 'image: expected an image (image-to-image needs one), got nothing'],
    ['inpainting', { image }, 'mask', 'mask: expected an image (inpainting needs one), got nothing'],
    ['inpainting', { mask }, 'image', 'image: expected an image (inpainting needs one), got nothing'],
    ['inpainting', { image, mask: rectangleMask(32, 64, 0, 0, 8, 8) }, 'mask', 'mask: expected an image the size of image (64x64), got 32x64'],
    ['image-to-image', { image: { width: 2, height: 2, data: new Uint8ClampedArray(3) } }, 'image', 'image: expected 16 RGBA bytes for 2x2, got 3'],
    ['image-to-image', { image: 'https://example.com/a.png' as never }, 'image', 'image: expected decoded RGBA pixels, got "https://example.com/a.png"'],
    ['text-to-image', { prompt_strength: 0.5 } as EngineInput, 'prompt_strength', 'prompt_strength: not accepted in text-to-image'],
    ['image-to-image', { image, width: 512 }, 'width', 'width: not accepted in image-to-image'],
  ];
  for (const [mode, input, field, message] of cases) {
    it(`${mode}: ${message}`, () => {
      const errors = fieldErrors(model, mode, { prompt: 'p', ...input });
      const error = errors.find((e) => e.field === field);
      expect(error, JSON.stringify(errors)).toBeDefined();
      expect(error!.message).toContain(message);
    });
  }

  it('reports every failing field at once', () => {
    const errors = fieldErrors(model, 'text-to-image', { width: 100, height: 100, num_inference_steps: 0 });
    expect(errors.map((e) => e.field)).toEqual(['width', 'height', 'num_inference_steps']);
  });

  it("applies each remote model's defaults", () => {
    expect(prepareInput('text-to-image', { prompt: 'p' }, model).settings).toMatchObject({
      width: 768, height: 768, num_inference_steps: 50, scheduler: 'DPMSolverMultistep', guidance_scale: 7.5, num_outputs: 1, negative_prompt: '',
    });
    expect(prepareInput('image-to-image', { prompt: 'p', image }, model).settings).toMatchObject({
      num_inference_steps: 25, prompt_strength: 0.8, guidance_scale: 7.5,
    });
    expect(prepareInput('inpainting', { prompt: 'p', image, mask }, model).settings).toMatchObject({
      width: 512, height: 512, num_inference_steps: 50,
    });
  });

  it("lets a model profile override defaults and limits (SD-Turbo: 512x512, 1-4 steps, guidance 1)", () => {
    const turbo = { defaults: { width: 512, height: 512, num_inference_steps: 1, guidance_scale: 1 }, limits: { num_inference_steps: { min: 1, max: 4, integer: true }, guidance_scale: { min: 1, max: 1 } } };
    expect(prepareInput('text-to-image', { prompt: 'p' }, model, turbo).settings).toMatchObject({ width: 512, num_inference_steps: 1, guidance_scale: 1 });
    expect(() => prepareInput('text-to-image', { prompt: 'p', num_inference_steps: 5 }, model, turbo)).toThrow(
      'num_inference_steps: expected an integer between 1 and 4, got 5',
    );
  });

  it('treats null as absent, as JSON APIs do', () => {
    expect(prepareInput('text-to-image', { prompt: 'p', seed: null as never, width: null as never }, model).settings).toMatchObject({ width: 768, seed: undefined });
  });

  it('runs nothing when the input is invalid', async () => {
    const calls: RecordedCall[] = [];
    const recorded = await loadTinyModel('tiny-sd', { calls });
    await expect(textToImage(recorded, { prompt: 'p', width: 500 })).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(0);
    await recorded.release();
  });
});
