// The architecture sizes of the real-size synthetic models, taken from the published configs: diffusers'
// UNet2DConditionModel and AutoencoderKL configs of runwayml/stable-diffusion-v1-5 and stabilityai/sd-turbo (SD 2.1),
// transformers' CLIPTextConfig of their text encoders, and madebyollin/taesd's decoder. No weights, only shapes.

export type ModelVariantName = 'sd15' | 'sd-turbo';

export interface UnetArchitecture {
  inChannels: number;
  outChannels: number;
  blockOutChannels: readonly number[];
  layersPerBlock: number;
  /** Per down block, whether it is a CrossAttnDownBlock2D (true) or a DownBlock2D; up blocks mirror it. */
  crossAttentionBlocks: readonly boolean[];
  /** Heads per block: SD 1.5 uses 8 everywhere; SD 2.x sets 64-wide heads (config's attention_head_dim [5,10,20,20]). */
  headsPerBlock: readonly number[];
  crossAttentionDim: number;
  /** SD 2.x projects in and out of the transformer with nn.Linear; SD 1.5 with 1x1 convolutions. */
  useLinearProjection: boolean;
  normGroups: number;
  /** Sinusoidal timestep embedding width = blockOutChannels[0]; the MLP widens it 4x (TimestepEmbedding). */
  timeEmbedDim: number;
}

export interface ClipTextArchitecture {
  vocabSize: number;
  maxPositions: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  activation: 'quick_gelu' | 'gelu';
  /** SD 1.x pads with <|endoftext|> (49407); SD 2.x's OpenCLIP tokenizer pads with "!" (id 0). */
  padToken: '<|endoftext|>' | '!';
}

export interface VaeDecoderArchitecture {
  latentChannels: number;
  blockOutChannels: readonly number[];
  layersPerBlock: number;
  normGroups: number;
  outChannels: number;
}

export interface TaesdDecoderArchitecture {
  latentChannels: number;
  channels: number;
  /** Blocks before each of the upsampling stages; one more Block follows the last stage. */
  blocksPerStage: number;
  upsamplingStages: number;
}

export interface RealSizeVariant {
  name: ModelVariantName;
  unet: UnetArchitecture;
  textEncoder: ClipTextArchitecture;
  vaeDecoder: VaeDecoderArchitecture;
  taesdDecoder: TaesdDecoderArchitecture;
}

const SD15_UNET: UnetArchitecture = {
  inChannels: 4,
  outChannels: 4,
  blockOutChannels: [320, 640, 1280, 1280],
  layersPerBlock: 2,
  crossAttentionBlocks: [true, true, true, false],
  headsPerBlock: [8, 8, 8, 8],
  crossAttentionDim: 768,
  useLinearProjection: false,
  normGroups: 32,
  timeEmbedDim: 1280,
};

/** CLIP ViT-L/14's text tower (openai/clip-vit-large-patch14), SD 1.x's text encoder. */
const CLIP_VIT_L14: ClipTextArchitecture = {
  vocabSize: 49408,
  maxPositions: 77,
  hiddenSize: 768,
  layers: 12,
  heads: 12,
  intermediateSize: 3072,
  activation: 'quick_gelu',
  padToken: '<|endoftext|>',
};

/** SD 2.x's OpenCLIP ViT-H/14 text tower as diffusers stores it: 24 layers trained, the last dropped (penultimate). */
const OPEN_CLIP_VIT_H14: ClipTextArchitecture = {
  ...CLIP_VIT_L14,
  hiddenSize: 1024,
  layers: 23,
  heads: 16,
  intermediateSize: 4096,
  activation: 'gelu',
  padToken: '!',
};

const SD_VAE_DECODER: VaeDecoderArchitecture = {
  latentChannels: 4,
  blockOutChannels: [128, 256, 512, 512],
  layersPerBlock: 2,
  normGroups: 32,
  outChannels: 3,
};

const TAESD_DECODER: TaesdDecoderArchitecture = { latentChannels: 4, channels: 64, blocksPerStage: 3, upsamplingStages: 3 };

export const REAL_SIZE_VARIANTS: Record<ModelVariantName, RealSizeVariant> = {
  sd15: { name: 'sd15', unet: SD15_UNET, textEncoder: CLIP_VIT_L14, vaeDecoder: SD_VAE_DECODER, taesdDecoder: TAESD_DECODER },
  'sd-turbo': {
    name: 'sd-turbo',
    unet: { ...SD15_UNET, headsPerBlock: [5, 10, 20, 20], crossAttentionDim: 1024, useLinearProjection: true },
    textEncoder: OPEN_CLIP_VIT_H14,
    vaeDecoder: SD_VAE_DECODER,
    taesdDecoder: TAESD_DECODER,
  },
};

/**
 * The same architectures shrunk (channels 32/64, one layer per block, a 2-layer 64-wide text encoder), for the test
 * that runs every graph in onnxruntime-node in well under a second.
 */
export const SCALED_DOWN_VARIANT: RealSizeVariant = {
  name: 'sd15',
  unet: {
    ...SD15_UNET,
    blockOutChannels: [32, 64, 64],
    layersPerBlock: 1,
    crossAttentionBlocks: [true, true, false],
    headsPerBlock: [2, 2, 2],
    crossAttentionDim: 64,
    normGroups: 8,
    timeEmbedDim: 128,
  },
  textEncoder: { ...CLIP_VIT_L14, vocabSize: 49408, hiddenSize: 64, layers: 2, heads: 2, intermediateSize: 128 },
  vaeDecoder: { ...SD_VAE_DECODER, blockOutChannels: [16, 16, 32, 32], layersPerBlock: 1, normGroups: 8 },
  taesdDecoder: { ...TAESD_DECODER, channels: 16, blocksPerStage: 1 },
};
