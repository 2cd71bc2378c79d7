// The JSON files of a tiny model folder, shaped like a diffusers ONNX export of Stable Diffusion 1.5:
// model_index.json, the PNDM scheduler config, the CLIP tokenizer configs Hugging Face writes, and the
// per-component config.json files (diffusers model configs, transformers' CLIPTextConfig).
import { TINY_SIZES, type TinyModelVariant } from './variants';

const DIFFUSERS_VERSION = '0.30.0';

/** SD 1.5's scheduler/scheduler_config.json (PNDM, scaled-linear betas), with the prediction type made explicit. */
export const SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: DIFFUSERS_VERSION,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
} as const;

export function modelIndex(variant: TinyModelVariant): object {
  const onnxModel = ['diffusers', 'OnnxRuntimeModel'];
  return {
    _class_name: variant.pipelineClass,
    _diffusers_version: DIFFUSERS_VERSION,
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: onnxModel,
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: onnxModel,
    vae_decoder: onnxModel,
    vae_encoder: onnxModel,
  };
}

/** How transformers serialises CLIP's special tokens (an AddedToken). */
function addedToken(content: string) {
  return { content, lstrip: false, normalized: true, rstrip: false, single_word: false };
}

/** tokenizer/tokenizer_config.json as saved with SD 1.5's CLIPTokenizer (pads with <|endoftext|>, 77 tokens). */
export const TOKENIZER_CONFIG = {
  add_prefix_space: false,
  bos_token: { __type: 'AddedToken', ...addedToken('<|startoftext|>') },
  do_lower_case: true,
  eos_token: { __type: 'AddedToken', ...addedToken('<|endoftext|>') },
  errors: 'replace',
  model_max_length: TINY_SIZES.maxPositions,
  pad_token: '<|endoftext|>',
  special_tokens_map_file: './special_tokens_map.json',
  tokenizer_class: 'CLIPTokenizer',
  unk_token: { __type: 'AddedToken', ...addedToken('<|endoftext|>') },
};

export const SPECIAL_TOKENS_MAP = {
  bos_token: addedToken('<|startoftext|>'),
  eos_token: addedToken('<|endoftext|>'),
  pad_token: '<|endoftext|>',
  unk_token: addedToken('<|endoftext|>'),
};

export function textEncoderConfig(variant: TinyModelVariant): object {
  return {
    architectures: ['CLIPTextModel'],
    attention_dropout: 0.0,
    bos_token_id: 49406,
    eos_token_id: 49407,
    hidden_act: 'quick_gelu',
    hidden_size: TINY_SIZES.hiddenSize,
    intermediate_size: 2 * TINY_SIZES.hiddenSize,
    layer_norm_eps: 1e-5,
    max_position_embeddings: TINY_SIZES.maxPositions,
    model_type: 'clip_text_model',
    num_attention_heads: 1,
    num_hidden_layers: 1,
    pad_token_id: 1,
    projection_dim: TINY_SIZES.hiddenSize,
    torch_dtype: variant.floatType,
    vocab_size: 49408,
  };
}

export function unetConfig(variant: TinyModelVariant): object {
  return {
    _class_name: 'UNet2DConditionModel',
    _diffusers_version: DIFFUSERS_VERSION,
    cross_attention_dim: TINY_SIZES.hiddenSize,
    in_channels: variant.unetInChannels,
    out_channels: TINY_SIZES.latentChannels,
    sample_size: TINY_SIZES.latentSampleSize,
  };
}

/** vae_decoder/config.json and vae_encoder/config.json: both halves of one AutoencoderKL. */
export function vaeConfig(): object {
  return {
    _class_name: 'AutoencoderKL',
    _diffusers_version: DIFFUSERS_VERSION,
    in_channels: 3,
    latent_channels: TINY_SIZES.latentChannels,
    out_channels: 3,
    sample_size: TINY_SIZES.latentSampleSize * TINY_SIZES.vaeScaleFactor,
    scaling_factor: TINY_SIZES.vaeScalingFactor,
  };
}
