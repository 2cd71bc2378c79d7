// A graph whose inputs don't fit the Stable Diffusion export contract is refused with an error naming the input
// and what was expected (checked on the real tiny graphs with their reported metadata altered).
import { describe, expect, it } from 'vitest';
import { ModelContractError, textToImage } from '.';
import { loadTinyModel, type SessionTweak } from '../../test/tinyModel';
import type { TensorInfo } from './runtime';

async function contractError(tweak: SessionTweak): Promise<Error> {
  const model = await loadTinyModel('tiny-sd', { tweaks: [tweak] });
  try {
    await textToImage(model, { prompt: 'x', width: 64, height: 64, num_inference_steps: 1, seed: 1 });
  } catch (error) {
    return error as Error;
  } finally {
    await model.release();
  }
  throw new Error('expected the run to fail');
}

const without = (name: string) => (inputs: readonly TensorInfo[]) => inputs.filter((i) => i.name !== name);
const retyped = (name: string, type: string, shape?: TensorInfo['shape']) => (inputs: readonly TensorInfo[]) =>
  inputs.map((i) => (i.name === name ? { ...i, type, shape: shape ?? i.shape } : i));

describe('model contract', () => {
  it('names a missing UNet input and lists what the graph has', async () => {
    const error = await contractError({ component: 'unet', inputs: without('timestep') });
    expect(error).toBeInstanceOf(ModelContractError);
    expect(error.message).toBe('unet: missing input "timestep"; expected inputs named "timestep", the graph has "sample", "encoder_hidden_states"');
  });

  it('rejects a timestep of an unsupported element type', async () => {
    const error = await contractError({ component: 'unet', inputs: retyped('timestep', 'string') });
    expect(error.message).toBe('unet: input "timestep" has element type string; expected int64 or float32 or float16');
  });

  it('rejects a UNet sample with a channel count that is neither 4 nor 9', async () => {
    const error = await contractError({ component: 'unet', inputs: retyped('sample', 'float32', ['batch', 3, 'height', 'width']) });
    expect(error.message).toBe('unet: "sample" has 3 channels; expected 4 (text-to-image) or 9 (inpainting)');
  });

  it('rejects text encoder ids of a float type', async () => {
    const error = await contractError({ component: 'text_encoder', inputs: retyped('input_ids', 'float32') });
    expect(error.message).toBe('text_encoder: input "input_ids" has element type float32; expected int32 or int64');
  });

  it('rejects a text encoder with a fixed sequence length other than the tokenizer\'s', async () => {
    const error = await contractError({ component: 'text_encoder', inputs: retyped('input_ids', 'int32', ['batch', 64]) });
    expect(error.message).toBe('text_encoder: "input_ids" has a fixed sequence length of 64; the tokenizer produces 77');
  });

  it('rejects a VAE decoder without latent_sample', async () => {
    const error = await contractError({ component: 'vae_decoder', inputs: without('latent_sample') });
    expect(error.message).toMatch(/^vae_decoder: missing input "latent_sample"/);
  });
});
