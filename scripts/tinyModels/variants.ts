// The tiny model variants: one per way real Stable Diffusion ONNX exports differ at their inputs and outputs
// (id and timestep types, timestep shape, fp16 boundaries, 9-channel inpainting UNet, VAE encoder output, external
// data), plus the sizes every variant shares.
import type { FloatType } from './onnxBuilder';

export type PipelineClass = 'OnnxStableDiffusionPipeline' | 'OnnxStableDiffusionInpaintPipeline';
export type TimestepType = 'int64' | 'float32' | 'float16';
/** `batch`: one timestep per image `[batch]`; `one`: `[1]`, broadcast over the batch; `scalar`: `[]`. */
export type TimestepShape = 'batch' | 'one' | 'scalar';

export interface TinyModelVariant {
  name: string;
  pipelineClass: PipelineClass;
  inputIdsType: 'int32' | 'int64';
  timestepType: TimestepType;
  timestepShape: TimestepShape;
  /** The element type of every float input and output (the graphs compute in float32 inside). */
  floatType: FloatType;
  unetInChannels: 4 | 9;
  vaeEncoderOutput: 'latent_sample' | 'latent_parameters';
  /** Whether the UNet keeps its large initializers in `unet/model.onnx_data`. */
  unetExternalData: boolean;
}

/** Sizes shared by every variant. Real SD 1.5 has hidden size 768; these keep the files to a few hundred KB. */
export const TINY_SIZES = {
  hiddenSize: 32,
  /** CLIP's context length: the tokenizer pads every prompt to 77 tokens. */
  maxPositions: 77,
  /** Token ids are hashed into this many embedding rows (CLIP's vocabulary has 49408). */
  hashedVocab: 1024,
  /** Latent size of a 512x512 image: what `sample_size` says in a UNet config. */
  latentSampleSize: 64,
  vaeScaleFactor: 8,
  latentChannels: 4,
  vaeScalingFactor: 0.18215,
} as const;

const DEFAULT_VARIANT: TinyModelVariant = {
  name: 'tiny-sd',
  pipelineClass: 'OnnxStableDiffusionPipeline',
  inputIdsType: 'int32',
  timestepType: 'int64',
  timestepShape: 'batch',
  floatType: 'float32',
  unetInChannels: 4,
  vaeEncoderOutput: 'latent_sample',
  unetExternalData: false,
};

export const TINY_MODEL_VARIANTS: readonly TinyModelVariant[] = [
  DEFAULT_VARIANT,
  {
    ...DEFAULT_VARIANT,
    name: 'tiny-sd-inpainting',
    pipelineClass: 'OnnxStableDiffusionInpaintPipeline',
    unetInChannels: 9,
  },
  { ...DEFAULT_VARIANT, name: 'tiny-sd-fp16', floatType: 'float16', timestepType: 'float16', timestepShape: 'one' },
  {
    ...DEFAULT_VARIANT,
    name: 'tiny-sd-int64',
    inputIdsType: 'int64',
    timestepType: 'float32',
    vaeEncoderOutput: 'latent_parameters',
  },
  { ...DEFAULT_VARIANT, name: 'tiny-sd-external-data', timestepShape: 'scalar', unetExternalData: true },
];
