// Image-to-image on the tiny model: output size, the initial latents (the image's latents noised to the first
// kept timestep), how many steps prompt_strength keeps, and that a weaker strength stays closer to the input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGenerator, createScheduler, imageToImage, img2imgTimesteps, imageToImageSize, type StableDiffusionModel } from '..';
import { resizeImage, type RgbaImage } from '../image';
import { loadTinyModel, testPicture, type RecordedCall } from '../../../test/tinyModel';

const asFloat = (data: unknown) => data as Float32Array;

function meanAbsDifference(a: RgbaImage, b: RgbaImage): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (i % 4 === 3) continue;
    sum += Math.abs(a.data[i] - b.data[i]);
    count++;
  }
  return sum / count;
}

describe('imageToImageSize', () => {
  it("keeps the input's size, rounded down to a multiple of 8", () => {
    expect(imageToImageSize({ width: 203, height: 137 } as RgbaImage, 1024)).toEqual({ width: 200, height: 136 });
  });
  it('scales a large photo down to the model maximum, keeping the aspect ratio', () => {
    expect(imageToImageSize({ width: 4000, height: 3000 } as RgbaImage, 1024)).toEqual({ width: 1024, height: 768 });
  });
  it('never goes below one 64-pixel block', () => {
    expect(imageToImageSize({ width: 20, height: 500 } as RgbaImage, 1024)).toEqual({ width: 64, height: 496 });
  });
});

describe('imageToImage', () => {
  let model: StableDiffusionModel;
  const calls: RecordedCall[] = [];
  const picture = testPicture(96, 64);
  beforeAll(async () => {
    model = await loadTinyModel('tiny-sd', { calls });
  });
  afterAll(() => model.release());

  it('noises the encoded image to the first kept timestep and runs only the kept steps', async () => {
    calls.length = 0;
    const steps = 10;
    const strength = 0.6;
    const result = await imageToImage(model, {
      prompt: 'a painting', image: picture, num_inference_steps: steps, prompt_strength: strength, scheduler: 'K_EULER', seed: 21,
    });
    expect(result.images[0]).toMatchObject({ width: 96, height: 64 });
    const unet = calls.filter((c) => c.component === 'unet');
    expect(unet).toHaveLength(2 * Math.floor(steps * strength));

    const scheduler = createScheduler('K_EULER', model.schedulerConfig);
    scheduler.setTimesteps(steps);
    const { timesteps, latentTimestep } = img2imgTimesteps(scheduler, steps, strength);
    const encoded = asFloat(calls.find((c) => c.component === 'vae_encoder')!.outputs.latent_sample.data);
    const imageLatents = encoded.map((v) => v * Math.fround(0.18215));
    const noise = createGenerator(21).randn([1, 4, 8, 12]);
    const expectedStart = scheduler.scaleModelInput(scheduler.addNoise(imageLatents, noise, latentTimestep), timesteps[0]);
    expect(Array.from(asFloat(unet[0].inputs.sample.data))).toEqual(Array.from(expectedStart));
  });

  it('stays closer to the input image at a low strength than at a high one', async () => {
    const input = { prompt: 'a stormy sea', image: picture, num_inference_steps: 20, seed: 4 };
    const gentle = await imageToImage(model, { ...input, prompt_strength: 0.2 });
    const strong = await imageToImage(model, { ...input, prompt_strength: 1 });
    const reference = resizeImage(picture, 96, 64);
    expect(meanAbsDifference(gentle.images[0], reference)).toBeLessThan(meanAbsDifference(strong.images[0], reference));
  });

  it('makes up to 8 outputs', async () => {
    const result = await imageToImage(model, { prompt: 'x', image: testPicture(64, 64), num_inference_steps: 2, num_outputs: 8, seed: 1 });
    expect(result.images).toHaveLength(8);
  });
});
