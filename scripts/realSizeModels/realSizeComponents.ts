// The components a real-size model folder holds, each with its graph builder and the input shapes of one reference
// evaluation (a 512x512 image = 64x64 latent, 77 tokens), so the generator, the cost tests and the benchmark agree.
import type onnxProto from 'onnx-proto';
import type { RealSizeVariant } from './architectures';
import { buildClipTextEncoderGraph } from './clipTextEncoderGraph';
import type { FloatType, WeightStore } from './streamingGraphBuilder';
import { buildTaesdDecoderGraph } from './taesdDecoderGraph';
import { buildUnetGraph } from './unetGraph';
import { buildVaeDecoderGraph } from './vaeDecoderGraph';

export const COMPONENT_NAMES = ['text_encoder', 'unet', 'vae_decoder', 'taesd_decoder'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export function buildComponentGraph(
  component: ComponentName,
  variant: RealSizeVariant,
  computeType: FloatType,
  store?: WeightStore,
): onnxProto.onnx.ModelProto {
  switch (component) {
    case 'text_encoder':
      return buildClipTextEncoderGraph(variant.textEncoder, computeType, store);
    case 'unet':
      return buildUnetGraph(variant.unet, computeType, store);
    case 'vae_decoder':
      return buildVaeDecoderGraph(variant.vaeDecoder, computeType, store);
    case 'taesd_decoder':
      return buildTaesdDecoderGraph(variant.taesdDecoder, computeType, store);
  }
}

export interface EvaluationSize {
  batch: number;
  /** Latent height and width (image size / 8). */
  latentSize: number;
  tokens: number;
}

export const REFERENCE_EVALUATION: EvaluationSize = { batch: 1, latentSize: 64, tokens: 77 };

/** The concrete shape of every graph input for one evaluation of `component`. */
export function inputShapes(component: ComponentName, variant: RealSizeVariant, size: EvaluationSize): Record<string, number[]> {
  const { batch, latentSize, tokens } = size;
  switch (component) {
    case 'text_encoder':
      return { input_ids: [batch, tokens] };
    case 'unet':
      return {
        sample: [batch, variant.unet.inChannels, latentSize, latentSize],
        timestep: [batch],
        encoder_hidden_states: [batch, tokens, variant.unet.crossAttentionDim],
      };
    case 'vae_decoder':
    case 'taesd_decoder':
      return { latent_sample: [batch, 4, latentSize, latentSize] };
  }
}
