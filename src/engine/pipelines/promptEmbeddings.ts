// Encodes the prompt and the negative prompt once per run into the text embeddings the UNet reads every step.
// They stay as the text encoder produced them (on the GPU under WebGPU) unless the UNet wants another float type.
import type { StableDiffusionModel } from '../model';
import type { UnetBinding } from '../modelContract';
import type { ResolvedSettings } from '../../predictions/PredictionInput';
import { usesGuidance } from './guidedUnet';
import type { HostTensor, SessionFeed } from '../runtime';
import { batchRanges, floatTensor, readFloat32 } from './tensors';
import type { PromptWeighting } from '../../predictions/backends';
import { chunkPrompt, parsePromptAttention, type PromptChunk } from '../tokenizer/weightedPrompt';

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
  weighting: PromptWeighting = 'none',
): Promise<PromptEmbeddings> {
  if (weighting === 'a1111') return encodeWeightedPrompts(model, settings, unet);
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

/**
 * A1111's way: each 75-token chunk through the text encoder on its own, every token's embedding scaled by its
 * emphasis weight and the chunk rescaled to keep its mean (sd_hijack_clip's process_tokens), the chunks side by
 * side along the sequence axis. The prompt and the negative prompt get the same number of chunks (the shorter is
 * padded with empty ones), since guidance subtracts one from the other.
 */
async function encodeWeightedPrompts(
  model: StableDiffusionModel,
  settings: Pick<ResolvedSettings, 'prompt' | 'negative_prompt' | 'guidance_scale'>,
  unet: UnetBinding,
): Promise<PromptEmbeddings> {
  const { session, binding } = await model.session('text_encoder');
  const encodeChunk = async (chunk: PromptChunk): Promise<{ values: Float32Array; width: number }> => {
    const data = binding.idsType === 'int64' ? BigInt64Array.from(chunk.ids, (id) => BigInt(id)) : Int32Array.from(chunk.ids);
    const outputs = await session.run({ [binding.idsName]: { type: binding.idsType, dims: [1, chunk.ids.length], data } });
    const hidden = outputs[binding.hiddenStatesName];
    const values = await readFloat32(hidden, 'text_encoder output');
    for (const tensor of Object.values(outputs)) tensor.dispose();
    const width = values.length / chunk.ids.length;
    const meanBefore = mean(values);
    for (let token = 0; token < chunk.ids.length; token++) {
      const weight = chunk.weights[token];
      if (weight !== 1) for (let i = token * width; i < (token + 1) * width; i++) values[i] *= weight;
    }
    const meanAfter = mean(values);
    if (meanAfter !== 0) {
      const scale = meanBefore / meanAfter;
      for (let i = 0; i < values.length; i++) values[i] *= scale;
    }
    return { values, width };
  };
  const chunksOf = (text: string) => chunkPrompt(model.tokenizer, parsePromptAttention(text));
  const promptChunks = chunksOf(settings.prompt);
  const withUncond = usesGuidance(settings.guidance_scale);
  const negativeChunks = withUncond ? chunksOf(settings.negative_prompt) : [];
  const count = Math.max(promptChunks.length, negativeChunks.length);
  const empty = chunksOf('')[0];
  const encodeAll = async (chunks: PromptChunk[]) => {
    const encoded = [];
    for (let i = 0; i < count; i++) encoded.push(await encodeChunk(chunks[i] ?? empty));
    const width = encoded[0].width;
    const joined = new Float32Array(encoded.reduce((sum, e) => sum + e.values.length, 0));
    let at = 0;
    for (const e of encoded) {
      joined.set(e.values, at);
      at += e.values.length;
    }
    return { joined, width, sequence: joined.length / width };
  };
  const text = await encodeAll(promptChunks);
  const uncond = withUncond ? await encodeAll(negativeChunks) : undefined;
  const batch = (embedded: { joined: Float32Array; width: number; sequence: number }, size: number): SessionFeed => {
    const rows = new Float32Array(size * embedded.joined.length);
    for (let row = 0; row < size; row++) rows.set(embedded.joined, row * embedded.joined.length);
    return floatTensor(rows, unet.hiddenStatesType, [size, embedded.sequence, embedded.width]);
  };
  return {
    text: (size) => batch(text, size),
    uncond: (size) => (uncond ? batch(uncond, size) : undefined),
    dispose: () => undefined,
  };
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}
