import { describe, expect, it } from 'vitest';
import { SCHEDULER_NAMES } from '../engine';
import type { ResolvedSettings } from '../predictions/PredictionInput';
import { formatParameters, parseParameters, type GenerationParameters } from './pngParameters';

const settings: ResolvedSettings = {
  prompt: 'a cat',
  negative_prompt: 'blurry',
  width: 512,
  height: 512,
  scheduler: 'DPMSolverMultistep',
  num_outputs: 1,
  guidance_scale: 7.5,
  num_inference_steps: 25,
  prompt_strength: 1,
  seed: 1234,
};

const base: GenerationParameters = {
  mode: 'text-to-image',
  settings,
  model: 'tiny-sd',
  noiseDevice: 'cpu',
  version: 'sd-studio 0.1.0',
};

/** A1111's sampler labels (modules/sd_samplers_kdiffusion.py and sd_samplers_timesteps.py) for each of our names. */
const A1111_LABELS: Record<string, string> = {
  DDIM: 'DDIM',
  DDIMScheduler: 'DDIM',
  K_EULER: 'Euler',
  EulerDiscreteScheduler: 'Euler',
  K_EULER_ANCESTRAL: 'Euler a',
  EulerAncestralDiscreteScheduler: 'Euler a',
  DPMSolverMultistep: 'DPM++ 2M',
  DPMSolverMultistepScheduler: 'DPM++ 2M',
  PNDM: 'PLMS',
  PNDMScheduler: 'PLMS',
  KLMS: 'LMS',
  LMSDiscreteScheduler: 'LMS',
  HeunDiscreteScheduler: 'Heun',
  KDPM2DiscreteScheduler: 'DPM2',
  LCMScheduler: 'LCM',
  UniPCMultistepScheduler: 'UniPC',
  DDPMScheduler: 'DDPM',
};

describe('formatParameters', () => {
  it('writes the prompt, the negative prompt and A1111 key-value pairs in A1111 order', () => {
    expect(formatParameters(base)).toBe(
      'a cat\nNegative prompt: blurry\n' +
        'Steps: 25, Sampler: DPM++ 2M, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: tiny-sd, RNG: CPU, ' +
        'Scheduler: DPMSolverMultistep, Mode: text-to-image, Version: sd-studio 0.1.0',
    );
  });

  it('omits an empty negative prompt line, and writes denoising strength for image-to-image only', () => {
    const text = formatParameters({ ...base, mode: 'image-to-image', settings: { ...settings, negative_prompt: '', prompt_strength: 0.8 } });
    expect(text.split('\n')).toEqual([
      'a cat',
      'Steps: 25, Sampler: DPM++ 2M, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: tiny-sd, ' +
        'Denoising strength: 0.8, RNG: CPU, Scheduler: DPMSolverMultistep, Mode: image-to-image, Version: sd-studio 0.1.0',
    ]);
    expect(formatParameters(base)).not.toContain('Denoising strength');
  });

  it('writes mask blur for inpainting, RNG NV for the CUDA generator, Karras and batch keys', () => {
    const text = formatParameters({
      ...base,
      mode: 'inpainting',
      noiseDevice: 'cuda',
      maskBlur: 4,
      karrasSigmas: true,
      batchPosition: 2,
      settings: { ...settings, num_outputs: 4 },
    });
    expect(text.split('\n')[2]).toBe(
      'Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 1234, Size: 512x512, Model: tiny-sd, ' +
        'Batch size: 4, Batch pos: 2, Mask blur: 4, RNG: NV, Scheduler: DPMSolverMultistep, Mode: inpainting, Version: sd-studio 0.1.0',
    );
  });

  it('quotes values holding a comma, colon or newline as JSON strings, as A1111 quote() does', () => {
    const text = formatParameters({ ...base, model: 'my "best", model: v2' });
    expect(text).toContain('Model: "my \\"best\\", model: v2", RNG: CPU');
  });

  it('defaults the version to the package version', () => {
    expect(formatParameters({ ...base, version: undefined })).toMatch(/, Version: sd-studio \d+\.\d+\.\d+$/);
  });

  it('maps every scheduler name the engine accepts to its A1111 sampler label', () => {
    for (const scheduler of SCHEDULER_NAMES) {
      expect(A1111_LABELS[scheduler], scheduler).toBeDefined();
      expect(formatParameters({ ...base, settings: { ...settings, scheduler } })).toContain(`Sampler: ${A1111_LABELS[scheduler]},`);
    }
  });
});

describe('parseParameters round trip', () => {
  it('gives back every scheduler name exactly', () => {
    for (const scheduler of SCHEDULER_NAMES) {
      const parsed = parseParameters(formatParameters({ ...base, settings: { ...settings, scheduler } }));
      expect(parsed.input.scheduler).toBe(scheduler);
      expect(parsed.sampler).toBe(A1111_LABELS[scheduler]);
    }
  });

  it('gives back every text-to-image field, including a multi-line prompt and non-ASCII text', () => {
    const original: ResolvedSettings = {
      ...settings,
      prompt: 'a cat, sitting: on a mat\nsecond line 🐱\nthird',
      negative_prompt: 'blurry,\nlow quality',
      width: 768,
      height: 448,
      num_outputs: 3,
      guidance_scale: 6.25,
      num_inference_steps: 40,
      seed: 9007199254740991,
    };
    const parsed = parseParameters(formatParameters({ ...base, settings: original, batchPosition: 1, model: 'a, b: c' }));
    const { prompt_strength: _unused, ...expected } = original;
    expect(parsed.input).toEqual(expected);
    expect(parsed).toMatchObject({ mode: 'text-to-image', model: 'a, b: c', noiseDevice: 'cpu', batchPosition: 1, version: 'sd-studio 0.1.0' });
    expect(parsed.extra).toEqual({});
  });

  it('gives back image-to-image strength, without width and height (img2img takes neither)', () => {
    const parsed = parseParameters(formatParameters({ ...base, mode: 'image-to-image', settings: { ...settings, prompt_strength: 0.35 } }));
    expect(parsed.mode).toBe('image-to-image');
    expect(parsed.input.prompt_strength).toBe(0.35);
    expect(parsed.input.width).toBeUndefined();
    expect(parsed.size).toEqual({ width: 512, height: 512 });
  });

  it('gives back inpainting mask blur, the CUDA noise device and Karras sigmas', () => {
    const parsed = parseParameters(formatParameters({ ...base, mode: 'inpainting', maskBlur: 8, noiseDevice: 'cuda', karrasSigmas: true }));
    expect(parsed).toMatchObject({ mode: 'inpainting', maskBlur: 8, noiseDevice: 'cuda', karrasSigmas: true });
    expect(parsed.input).toMatchObject({ width: 512, height: 512, seed: 1234, num_outputs: 1 });
  });

  it('writes the TAESD decoder as A1111\'s VAE key and reads it back; the full VAE writes no key', () => {
    const taesd = formatParameters({ ...base, decoder: 'taesd' });
    expect(taesd).toContain('VAE: TAESD');
    expect(parseParameters(taesd).decoder).toBe('taesd');
    expect(formatParameters({ ...base, decoder: 'vae' })).not.toContain('VAE');
    // Another VAE's name is kept as an unmapped key, not read as TAESD.
    const other = parseParameters('a cat\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, VAE: vae-ft-mse-840000-ema-pruned.safetensors');
    expect(other.decoder).toBeUndefined();
    expect(other.extra.VAE).toBe('vae-ft-mse-840000-ema-pruned.safetensors');
  });
});

describe('parseParameters on A1111 text', () => {
  it('reads an img2img infotext with a multi-line prompt, quoted values and Schedule type', () => {
    const text = [
      'masterpiece, a castle on a hill,',
      'golden hour',
      'Negative prompt: lowres, bad anatomy',
      'Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 640x448, ' +
        'Model hash: 6ce0161689, Model: "v1-5, pruned", Denoising strength: 0.55, ' +
        'Lora hashes: "add_detail: 7c6bad76eb54, more: 0123", Template: "say \\"hi\\", please", Version: v1.10.1',
    ].join('\n');
    const parsed = parseParameters(text);
    expect(parsed.mode).toBe('image-to-image');
    expect(parsed.input).toEqual({
      prompt: 'masterpiece, a castle on a hill,\ngolden hour',
      negative_prompt: 'lowres, bad anatomy',
      num_inference_steps: 30,
      scheduler: 'DPMSolverMultistep',
      guidance_scale: 6.5,
      seed: 3141592653,
      prompt_strength: 0.55,
      num_outputs: 1,
    });
    expect(parsed).toMatchObject({
      size: { width: 640, height: 448 },
      model: 'v1-5, pruned',
      karrasSigmas: true,
      sampler: 'DPM++ 2M',
      version: 'v1.10.1',
      // No RNG key: A1111's default source, GPU, which A1111's NV imitates.
      noiseDevice: 'cuda',
    });
    expect(parsed.extra).toEqual({
      'Model hash': '6ce0161689',
      'Lora hashes': 'add_detail: 7c6bad76eb54, more: 0123',
      Template: 'say "hi", please',
    });
  });

  it('reads a txt2img infotext without a negative prompt and with an old "Karras" sampler label', () => {
    const parsed = parseParameters(
      'a photo of a dog\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 965400086, Size: 512x768, RNG: CPU',
    );
    expect(parsed.mode).toBe('text-to-image');
    expect(parsed.input).toEqual({
      prompt: 'a photo of a dog',
      negative_prompt: '',
      num_inference_steps: 20,
      scheduler: 'DPMSolverMultistep',
      guidance_scale: 7,
      seed: 965400086,
      width: 512,
      height: 768,
      num_outputs: 1,
    });
    expect(parsed).toMatchObject({ karrasSigmas: true, noiseDevice: 'cpu' });
  });

  it('treats denoising strength with hires keys as text-to-image and keeps it in extra', () => {
    const parsed = parseParameters(
      'castle\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Denoising strength: 0.7, Hires upscale: 2, Hires upscaler: Latent',
    );
    expect(parsed.mode).toBe('text-to-image');
    expect(parsed.input.prompt_strength).toBeUndefined();
    expect(parsed.input.scheduler).toBe('K_EULER_ANCESTRAL');
    expect(parsed.extra).toMatchObject({ 'Denoising strength': '0.7', 'Hires upscale': '2', 'Hires upscaler': 'Latent' });
  });

  it('infers inpainting from mask blur and keeps its denoising strength in extra (our inpainting has none)', () => {
    const parsed = parseParameters('room\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 512x512, Denoising strength: 0.75, Mask blur: 4');
    expect(parsed).toMatchObject({ mode: 'inpainting', maskBlur: 4 });
    expect(parsed.input.prompt_strength).toBeUndefined();
    expect(parsed.extra['Denoising strength']).toBe('0.75');
  });

  it('keeps an unknown sampler as a label without choosing a scheduler', () => {
    const parsed = parseParameters('x\nSteps: 20, Sampler: DPM++ SDE, CFG scale: 7, Seed: 1');
    expect(parsed.sampler).toBe('DPM++ SDE');
    expect(parsed.input.scheduler).toBeUndefined();
  });

  it('ignores a foreign Scheduler value that is not one of ours and keeps it in extra', () => {
    const parsed = parseParameters('x\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Scheduler: karras');
    expect(parsed.input.scheduler).toBe('K_EULER');
    expect(parsed.extra.Scheduler).toBe('karras');
  });
});

describe('parseParameters on foreign text', () => {
  it.each([
    ['a plain prompt, with commas: and colons', 'a plain prompt, with commas: and colons'],
    ['', ''],
    ['{"3": {"class_type": "KSampler", "inputs": {"seed": 5}}}', '{"3": {"class_type": "KSampler", "inputs": {"seed": 5}}}'],
  ])('reads %j as a prompt without throwing', (text, prompt) => {
    const parsed = parseParameters(text);
    expect(parsed.input.prompt).toBe(prompt);
    expect(parsed.mode).toBe('text-to-image');
    expect(parsed.input.num_inference_steps).toBeUndefined();
  });

  it('keeps values that do not parse in extra instead of inventing fields', () => {
    const parsed = parseParameters('p\nSteps: many, Seed: -5, Size: big, CFG scale: 1e999, Mode: sideways, RNG: quantum');
    expect(parsed.input).toEqual({ prompt: 'p', negative_prompt: '', num_outputs: 1 });
    expect(parsed.extra).toEqual({ Steps: 'many', Seed: '-5', Size: 'big', 'CFG scale': '1e999', Mode: 'sideways', RNG: 'quantum' });
    expect(parsed.noiseDevice).toBeUndefined();
  });

  it('survives unbalanced quotes, CRLF line ends, non-strings and a __proto__ key', () => {
    expect(() => parseParameters('p\r\nSteps: "unterminated, Sampler: "x, Seed: 3')).not.toThrow();
    expect(parseParameters('a\r\nb\r\nSteps: 5, Seed: 2, CFG scale: 3').input.prompt).toBe('a\nb');
    expect(() => parseParameters(null as unknown as string)).not.toThrow();
    const parsed = parseParameters('p\n__proto__: polluted, Steps: 1, Seed: 2');
    expect(parsed.extra.__proto__).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
