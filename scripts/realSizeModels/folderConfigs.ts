// The JSON files of a real-size model folder, shaped like the diffusers ONNX exports of SD 1.5 and SD-Turbo:
// model_index.json, the scheduler config (PNDM for SD 1.5, Euler with trailing spacing for SD-Turbo), the tokenizer
// configs (SD 2.x pads with "!"), and each component's config.json (diffusers model configs, CLIPTextConfig).
import type { ClipTextArchitecture, RealSizeVariant, TaesdDecoderArchitecture, UnetArchitecture, VaeDecoderArchitecture } from './architectures';
import type { FloatType } from './streamingGraphBuilder';

const DIFFUSERS_VERSION = '0.30.0';
const SCALED_LINEAR_BETAS = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000 };

export function schedulerConfig(variant: RealSizeVariant): object {
  if (variant.name === 'sd-turbo') {
    // stabilityai/sd-turbo: one step from t = 999, hence 'trailing' spacing.
    return {
      _class_name: 'EulerDiscreteScheduler',
      _diffusers_version: DIFFUSERS_VERSION,
      ...SCALED_LINEAR_BETAS,
      interpolation_type: 'linear',
      prediction_type: 'epsilon',
      steps_offset: 1,
      timestep_spacing: 'trailing',
      trained_betas: null,
      use_karras_sigmas: false,
    };
  }
  return {
    _class_name: 'PNDMScheduler',
    _diffusers_version: DIFFUSERS_VERSION,
    ...SCALED_LINEAR_BETAS,
    clip_sample: false,
    prediction_type: 'epsilon',
    set_alpha_to_one: false,
    skip_prk_steps: true,
    steps_offset: 1,
    trained_betas: null,
  };
}

export function modelIndex(variant: RealSizeVariant): object {
  const onnxModel = ['diffusers', 'OnnxRuntimeModel'];
  const scheduler = variant.name === 'sd-turbo' ? 'EulerDiscreteScheduler' : 'PNDMScheduler';
  return {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: DIFFUSERS_VERSION,
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', scheduler],
    text_encoder: onnxModel,
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: onnxModel,
    vae_decoder: onnxModel,
  };
}

function addedToken(content: string) {
  return { content, lstrip: false, normalized: true, rstrip: false, single_word: false };
}

export function tokenizerConfig(arch: ClipTextArchitecture): object {
  return {
    add_prefix_space: false,
    bos_token: { __type: 'AddedToken', ...addedToken('<|startoftext|>') },
    do_lower_case: true,
    eos_token: { __type: 'AddedToken', ...addedToken('<|endoftext|>') },
    errors: 'replace',
    model_max_length: arch.maxPositions,
    pad_token: arch.padToken,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: { __type: 'AddedToken', ...addedToken('<|endoftext|>') },
  };
}

export function specialTokensMap(arch: ClipTextArchitecture): object {
  return {
    bos_token: addedToken('<|startoftext|>'),
    eos_token: addedToken('<|endoftext|>'),
    pad_token: arch.padToken === '!' ? addedToken('!') : '<|endoftext|>',
    unk_token: addedToken('<|endoftext|>'),
  };
}

export function textEncoderConfig(arch: ClipTextArchitecture, dtype: FloatType): object {
  return {
    architectures: ['CLIPTextModel'],
    attention_dropout: 0.0,
    bos_token_id: 0,
    eos_token_id: 2,
    hidden_act: arch.activation,
    hidden_size: arch.hiddenSize,
    intermediate_size: arch.intermediateSize,
    layer_norm_eps: 1e-5,
    max_position_embeddings: arch.maxPositions,
    model_type: 'clip_text_model',
    num_attention_heads: arch.heads,
    num_hidden_layers: arch.layers,
    pad_token_id: 1,
    torch_dtype: dtype,
    vocab_size: arch.vocabSize,
  };
}

export function unetConfig(arch: UnetArchitecture): object {
  const downTypes = arch.crossAttentionBlocks.map((cross) => (cross ? 'CrossAttnDownBlock2D' : 'DownBlock2D'));
  const upTypes = [...arch.crossAttentionBlocks].reverse().map((cross) => (cross ? 'CrossAttnUpBlock2D' : 'UpBlock2D'));
  // SD 1.5 writes the head count as an int (8); SD 2.x lists it per block under the (misnamed) attention_head_dim.
  const heads = arch.headsPerBlock.every((h) => h === arch.headsPerBlock[0]) ? arch.headsPerBlock[0] : arch.headsPerBlock;
  return {
    _class_name: 'UNet2DConditionModel',
    _diffusers_version: DIFFUSERS_VERSION,
    act_fn: 'silu',
    attention_head_dim: heads,
    block_out_channels: arch.blockOutChannels,
    center_input_sample: false,
    cross_attention_dim: arch.crossAttentionDim,
    down_block_types: downTypes,
    downsample_padding: 1,
    flip_sin_to_cos: true,
    freq_shift: 0,
    in_channels: arch.inChannels,
    layers_per_block: arch.layersPerBlock,
    mid_block_scale_factor: 1,
    norm_eps: 1e-5,
    norm_num_groups: arch.normGroups,
    out_channels: arch.outChannels,
    sample_size: 64,
    up_block_types: upTypes,
    use_linear_projection: arch.useLinearProjection,
  };
}

export function vaeConfig(arch: VaeDecoderArchitecture): object {
  return {
    _class_name: 'AutoencoderKL',
    _diffusers_version: DIFFUSERS_VERSION,
    act_fn: 'silu',
    block_out_channels: arch.blockOutChannels,
    in_channels: 3,
    latent_channels: arch.latentChannels,
    layers_per_block: arch.layersPerBlock,
    norm_num_groups: arch.normGroups,
    out_channels: arch.outChannels,
    sample_size: 512,
    scaling_factor: 0.18215,
  };
}

/** AutoencoderTiny (madebyollin/taesd): it takes the UNet's latents as they are, hence scaling factor 1. */
export function taesdConfig(arch: TaesdDecoderArchitecture): object {
  return {
    _class_name: 'AutoencoderTiny',
    _diffusers_version: DIFFUSERS_VERSION,
    decoder_block_out_channels: Array(arch.upsamplingStages + 1).fill(arch.channels),
    latent_channels: arch.latentChannels,
    num_decoder_blocks: [...Array(arch.upsamplingStages).fill(arch.blocksPerStage), 1],
    out_channels: 3,
    scaling_factor: 1.0,
    upsampling_scaling_factor: 2,
  };
}
