// One noise prediction for the whole latent batch: the UNet call(s) and classifier-free guidance. The
// unconditional and conditional passes run as separate UNet calls (not one batch of 2N): it halves peak activation
// memory, which is what limits resolution on consumer GPUs, and works with exports whose batch is fixed at 1.
import { guideNoise } from '../guidance';
import type { BoundSession } from '../model';
import type { UnetBinding } from '../modelContract';
import type { HostTensor, SessionFeed } from '../runtime';
import type { PromptEmbeddings } from './promptEmbeddings';
import type { RunContext } from './runContext';
import { batchRanges, floatTensor, readFloat32 } from './tensors';

/** Inpainting UNets (9 channels) read the latent mask and the masked image's latents next to the latents. */
export interface InpaintConditioning {
  /** `[1, 1, h, w]`, 1 = repaint. */
  mask: Float32Array;
  /** `[1, 4, h, w]`, already scaled by the VAE factor. */
  maskedImageLatents: Float32Array;
}

export interface GuidedUnetOptions {
  unet: BoundSession<UnetBinding>;
  embeddings: PromptEmbeddings;
  batch: number;
  latentHeight: number;
  latentWidth: number;
  guidanceScale: number;
  context: RunContext;
  inpaint?: InpaintConditioning;
}

/** How often a UNet output is checked for NaN/Inf (calls); the final image is always checked. */
const CHECK_EVERY = 8;

/** Guidance is applied only above 1, as diffusers' `do_classifier_free_guidance`; at 1 the uncond pass is skipped. */
export const usesGuidance = (guidanceScale: number) => guidanceScale > 1;

export function createGuidedUnet(options: GuidedUnetOptions) {
  const { unet, embeddings, batch, latentHeight, latentWidth, guidanceScale, context, inpaint } = options;
  const { binding, session } = unet;
  const plane = latentHeight * latentWidth;
  const imageSize = 4 * plane;
  const channels = inpaint ? 9 : 4;
  const ranges = batchRanges(batch, binding.maxBatch);
  const guided = usesGuidance(guidanceScale);
  let unetCalls = 0;

  /** The UNet's `sample` for images [start, start+size): the latents, plus mask and masked latents for inpainting. */
  function sampleFor(modelInput: Float32Array, start: number, size: number): Float32Array {
    if (!inpaint) return start === 0 && size === batch ? modelInput : modelInput.subarray(start * imageSize, (start + size) * imageSize);
    const sample = new Float32Array(size * channels * plane);
    for (let i = 0; i < size; i++) {
      const base = i * channels * plane;
      sample.set(modelInput.subarray((start + i) * imageSize, (start + i + 1) * imageSize), base);
      sample.set(inpaint.mask, base + imageSize);
      sample.set(inpaint.maskedImageLatents, base + imageSize + plane);
    }
    return sample;
  }

  function timestepFeed(t: number, size: number): HostTensor {
    const count = binding.timestepShape === 'batch' ? size : 1;
    const dims = binding.timestepShape === 'scalar' ? [] : [count];
    // Integer exports truncate float timesteps (Euler's 946.42 → 946) exactly as numpy's astype(int64) does in
    // diffusers' ONNX pipelines.
    if (binding.timestepType === 'int64') return { type: 'int64', dims, data: new BigInt64Array(count).fill(BigInt(Math.trunc(t))) };
    return floatTensor(new Float32Array(count).fill(t), binding.timestepType, dims);
  }

  /**
   * One UNet call; `feeds` holds the sample and timestep, shared by the conditional and unconditional calls.
   * `whileRunning` is work that doesn't need the output (the next step's noise): it runs once the call is under way.
   */
  async function run(feeds: Record<string, SessionFeed>, hidden: SessionFeed, whileRunning?: () => void): Promise<Float32Array> {
    context.throwIfAborted();
    const outputs = await context.timeUnet(() => {
      const pending = session.run({ ...feeds, [binding.hiddenStatesName]: hidden });
      whileRunning?.();
      return pending;
    });
    try {
      // A NaN or Inf stays in the latents and the VAE output check finds it; checking every UNet output on top
      // cost a full pass per call, so it runs on the first call and every CHECK_EVERY-th after (earlier warning).
      return await readFloat32(outputs[binding.outputName], 'unet output', unetCalls++ % CHECK_EVERY === 0);
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }

  /** Predicts the (guided) noise for all `batch` images from the scheduler-scaled model input. */
  return async function predictNoise(modelInput: Float32Array, t: number, whileRunning?: () => void): Promise<Float32Array> {
    const noisePred = new Float32Array(batch * imageSize);
    for (const { start, size } of ranges) {
      // Built once per chunk: for float16 exports this is a conversion of the whole sample.
      const feeds = {
        [binding.sampleName]: floatTensor(sampleFor(modelInput, start, size), binding.sampleType, [size, channels, latentHeight, latentWidth]),
        [binding.timestepName]: timestepFeed(t, size),
      };
      const text = await run(feeds, embeddings.text(size), start === 0 ? whileRunning : undefined);
      const out = noisePred.subarray(start * imageSize, (start + size) * imageSize);
      if (!guided) {
        out.set(text);
        continue;
      }
      const uncond = await run(feeds, embeddings.uncond(size)!);
      guideNoise(uncond, text, size, guidanceScale, 0, out);
    }
    return noisePred;
  };
}
