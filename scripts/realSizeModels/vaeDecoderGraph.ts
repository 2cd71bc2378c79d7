// The real-size AutoencoderKL decoder graph (SD's VAE, ~49.5 M parameters): `latent_sample [batch, 4, h, w]` →
// `sample [batch, 3, 8h, 8w]`, as diffusers exports `vae.decode`: post_quant_conv, conv_in to 512, a mid block with
// single-head self-attention, four UpDecoderBlock2D (512, 512, 256, 128) of three resnets, three 2x upsamplings.
import type onnxProto from 'onnx-proto';
import type { VaeDecoderArchitecture } from './architectures';
import { conv2d, groupNorm, linear, mapToTokens, multiHeadAttention, silu, tokensToMap, upsampleNearest2x } from './networkLayers';
import { StreamingGraphBuilder, type FloatType, type WeightStore } from './streamingGraphBuilder';
import { resnetBlock } from './unetBlocks';

const EPSILON = 1e-6;

/** The VAE's mid-block Attention: GroupNorm, one head as wide as the map, biased q/k/v/out, residual. */
function midAttention(b: StreamingGraphBuilder, x: string, name: string, channels: number, groups: number): string {
  const tokens = mapToTokens(b, groupNorm(b, x, `${name}.group_norm`, channels, groups, EPSILON), channels);
  const q = linear(b, tokens, `${name}.to_q`, channels, channels);
  const k = linear(b, tokens, `${name}.to_k`, channels, channels);
  const v = linear(b, tokens, `${name}.to_v`, channels, channels);
  const mixed = multiHeadAttention(b, q, k, v, { heads: 1, headDim: channels });
  return b.op('Add', [tokensToMap(b, linear(b, mixed, `${name}.to_out.0`, channels, channels), x), x]);
}

export function buildVaeDecoderGraph(arch: VaeDecoderArchitecture, computeType: FloatType, store?: WeightStore): onnxProto.onnx.ModelProto {
  const b = new StreamingGraphBuilder(computeType, store);
  const { normGroups: groups, latentChannels: latents } = arch;
  const channels = [...arch.blockOutChannels].reverse();
  const latent = b.input('latent_sample', computeType, ['batch', latents, 'latent_height', 'latent_width']);
  const resnet = (x: string, name: string, inWidth: number, outWidth: number) =>
    resnetBlock(b, x, name, { in: inWidth, out: outWidth, groups, epsilon: EPSILON });

  // 1. post_quant_conv (AutoencoderKL.decode), conv_in, mid block.
  let x = conv2d(b, latent, 'post_quant_conv', { in: latents, out: latents, kernel: 1 });
  x = conv2d(b, x, 'decoder.conv_in', { in: latents, out: channels[0], kernel: 3 });
  let width = channels[0];
  x = resnet(x, 'decoder.mid_block.resnets.0', width, width);
  x = midAttention(b, x, 'decoder.mid_block.attentions.0', width, groups);
  x = resnet(x, 'decoder.mid_block.resnets.1', width, width);

  // 2. Up blocks: layersPerBlock + 1 resnets each, a nearest 2x upsampling and 3x3 conv after all but the last.
  channels.forEach((outWidth, block) => {
    for (let layer = 0; layer <= arch.layersPerBlock; layer++) {
      x = resnet(x, `decoder.up_blocks.${block}.resnets.${layer}`, width, outWidth);
      width = outWidth;
    }
    if (block < channels.length - 1) {
      x = conv2d(b, upsampleNearest2x(b, x), `decoder.up_blocks.${block}.upsamplers.0.conv`, { in: width, out: width, kernel: 3 });
    }
  });

  // 3. Output: GroupNorm, SiLU, 3x3 conv to RGB (about [-1, 1]; the pipeline clamps).
  x = silu(b, groupNorm(b, x, 'decoder.conv_norm_out', width, groups, EPSILON));
  x = conv2d(b, x, 'decoder.conv_out', { in: width, out: arch.outChannels, kernel: 3 });
  b.output('sample', computeType, ['batch', arch.outChannels, 'height', 'width'], x);
  return b.build('vae_decoder', `Synthetic AutoencoderKL decoder (random weights, real architecture): ${JSON.stringify(arch)}`);
}
