// Encodes the prompt and the negative prompt once per run into the text embeddings the UNet reads every step.
// They stay as the text encoder produced them (on the GPU under WebGPU) unless the UNet wants another float type.
import type { StableDiffusionModel } from '../model';
import type { UnetBinding } from '../modelContract';
import type { ResolvedSettings } from '../../predictions/PredictionInput';
import { usesGuidance } from './guidedUnet';
import type { HostTensor, SessionFeed } from '../runtime';
import { batchRanges, floatTensor, readFloat32 } from './tensors';

export interface PromptEmbeddings {
  /** Embeddings of the prompt for a batch of `size` images. */
  text(size: number): SessionFeed;
  /** Embeddings of the negative prompt ("" when none), present only when guidance is on. */
  uncond(size: number): SessionFeed | undefined;
  dispose(): void;
}

/**
 * Runs the text encoder for each batch size the UNet calls will use (at most two distinct sizes). Classifier-free
 * guidance needs the negative prompt too; diffusers encodes "" when there is none.
 */
export async function encodePrompts(
  model: StableDiffusionModel,
  settings: Pick<ResolvedSettings, 'prompt' | 'negative_prompt' | 'num_outputs' | 'guidance_scale'>,
  unet: UnetBinding,
): Promise<PromptEmbeddings> {
  const batchSizes = batchRanges(settings.num_outputs, unet.maxBatch).map((range) => range.size);
  const withUncond = usesGuidance(settings.guidance_scale);
  const unetHiddenType = unet.hiddenStatesType;
  const { session, binding } = await model.session('text_encoder');
  const owned: Array<{ dispose(): void }> = [];
  const encode = async (text: string, size: number): Promise<SessionFeed> => {
    const ids = model.tokenizer.tokenize(text);
    const length = ids.length;
    const data = binding.idsType === 'int64' ? new BigInt64Array(size * length) : new Int32Array(size * length);
    for (let row = 0; row < size; row++) {
      for (let i = 0; i < length; i++) {
        if (data instanceof BigInt64Array) data[row * length + i] = BigInt(ids[i]);
        else data[row * length + i] = ids[i];
      }
    }
    const outputs = await session.run({ [binding.idsName]: { type: binding.idsType, dims: [size, length], data } });
    for (const [name, tensor] of Object.entries(outputs)) if (name !== binding.hiddenStatesName) tensor.dispose();
    const hidden = outputs[binding.hiddenStatesName];
    if (hidden.type === unetHiddenType) {
      owned.push(hidden);
      return hidden;
    }
    const converted: HostTensor = floatTensor(await readFloat32(hidden, 'text_encoder output'), unetHiddenType, hidden.dims);
    hidden.dispose();
    return converted;
  };

  const sizes = [...new Set(batchSizes)];
  const text = new Map<number, SessionFeed>();
  const uncond = new Map<number, SessionFeed>();
  try {
    for (const size of sizes) {
      text.set(size, await encode(settings.prompt, size));
      if (withUncond) uncond.set(size, await encode(settings.negative_prompt, size));
    }
  } catch (error) {
    for (const tensor of owned) tensor.dispose();
    throw error;
  }
  return {
    text: (size) => text.get(size)!,
    uncond: (size) => uncond.get(size),
    dispose: () => owned.forEach((tensor) => tensor.dispose()),
  };
}
