// The real-size UNet2DConditionModel graph (SD 1.5: ~860 M parameters; SD 2.x / SD-Turbo with 1024-wide context):
// `sample [batch, 4, h, w]`, `timestep`, `encoder_hidden_states [batch, 77, 768|1024]` → `out_sample`, structured
// as diffusers' unet_2d_condition.py: time embedding, conv_in, down blocks with skips, mid block, up blocks, conv_out.
import type { UnetArchitecture } from './architectures';
import { conv2d, groupNorm, linear, silu, upsampleNearest2x } from './networkLayers';
import { StreamingGraphBuilder, type WeightStore, type FloatType } from './streamingGraphBuilder';
import { resnetBlock, spatialTransformer } from './unetBlocks';
import { dataType } from '../tinyModels/onnxBuilder';
import type onnxProto from 'onnx-proto';

/**
 * diffusers' get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0 (the DDPM sinusoidal
 * embedding, Ho et al. 2020 after Vaswani et al. 2017): [cos(t·f_i), sin(t·f_i)], f_i = 10000^(−i/half). Computed in
 * float32, as diffusers does before casting to the sample's dtype.
 */
function sinusoidalTimestep(b: StreamingGraphBuilder, timestep: string, width: number): string {
  const half = width / 2;
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const table = b.floatTable('timestep_frequencies', [half], frequencies, { float32: true });
  const angles = b.op('Mul', [b.op('Unsqueeze', [timestep, b.int64s([1])]), table]);
  return b.op('Concat', [b.op('Cos', [angles]), b.op('Sin', [angles])], { axis: -1 });
}

/** How the exported graph's boundary looks: real fp32 exports take an int64 `[batch]` timestep, fp16 ones float16 `[1]`. */
function timestepInput(b: StreamingGraphBuilder): string {
  if (b.computeType === 'float32') {
    return b.op('Cast', [b.input('timestep', 'int64', ['batch'])], { to: dataType('float32') });
  }
  return b.op('Cast', [b.input('timestep', 'float16', [1])], { to: dataType('float32') });
}

export function buildUnetGraph(arch: UnetArchitecture, computeType: FloatType, store?: WeightStore): onnxProto.onnx.ModelProto {
  const b = new StreamingGraphBuilder(computeType, store);
  const channels = arch.blockOutChannels;
  const groups = arch.normGroups;
  const sample = b.input('sample', computeType, ['batch', arch.inChannels, 'height', 'width']);
  const timestep = timestepInput(b);
  const context = b.input('encoder_hidden_states', computeType, ['batch', 'sequence', arch.crossAttentionDim]);

  // 1. Time embedding (Timesteps + TimestepEmbedding); every ResnetBlock2D applies SiLU before its projection.
  const sinusoid = b.toCompute(sinusoidalTimestep(b, timestep, channels[0]), 'float32');
  const hiddenTime = silu(b, linear(b, sinusoid, 'time_embedding.linear_1', channels[0], arch.timeEmbedDim));
  const time = silu(b, linear(b, hiddenTime, 'time_embedding.linear_2', arch.timeEmbedDim, arch.timeEmbedDim));
  const resnet = (x: string, name: string, inWidth: number, outWidth: number) =>
    resnetBlock(b, x, name, { in: inWidth, out: outWidth, groups, epsilon: 1e-5, timeEmbedDim: arch.timeEmbedDim }, time);
  const transformer = (x: string, name: string, block: number) =>
    spatialTransformer(b, x, context, name, {
      channels: channels[block],
      heads: arch.headsPerBlock[block],
      contextWidth: arch.crossAttentionDim,
      groups,
      useLinearProjection: arch.useLinearProjection,
    });

  // 2. Down blocks: every resnet (+ transformer) output and every downsampled map is kept for the up path.
  let x = conv2d(b, sample, 'conv_in', { in: arch.inChannels, out: channels[0], kernel: 3 });
  const skips: { tensor: string; width: number }[] = [{ tensor: x, width: channels[0] }];
  let width = channels[0];
  channels.forEach((outWidth, block) => {
    for (let layer = 0; layer < arch.layersPerBlock; layer++) {
      x = resnet(x, `down_blocks.${block}.resnets.${layer}`, width, outWidth);
      width = outWidth;
      if (arch.crossAttentionBlocks[block]) x = transformer(x, `down_blocks.${block}.attentions.${layer}`, block);
      skips.push({ tensor: x, width });
    }
    if (block < channels.length - 1) {
      x = conv2d(b, x, `down_blocks.${block}.downsamplers.0.conv`, { in: width, out: width, kernel: 3, stride: 2 });
      skips.push({ tensor: x, width });
    }
  });

  // 3. Mid block (UNetMidBlock2DCrossAttn): resnet, transformer, resnet at the deepest width.
  const deepest = channels.length - 1;
  x = resnet(x, 'mid_block.resnets.0', width, width);
  x = transformer(x, 'mid_block.attentions.0', deepest);
  x = resnet(x, 'mid_block.resnets.1', width, width);

  // 4. Up blocks, widest first: each resnet takes the previous output concatenated with the matching skip.
  for (let up = 0; up < channels.length; up++) {
    const block = deepest - up;
    const outWidth = channels[block];
    for (let layer = 0; layer <= arch.layersPerBlock; layer++) {
      const skip = skips.pop()!;
      x = b.op('Concat', [x, skip.tensor], { axis: 1 });
      x = resnet(x, `up_blocks.${up}.resnets.${layer}`, width + skip.width, outWidth);
      width = outWidth;
      if (arch.crossAttentionBlocks[block]) x = transformer(x, `up_blocks.${up}.attentions.${layer}`, block);
    }
    if (up < deepest) {
      x = conv2d(b, upsampleNearest2x(b, x), `up_blocks.${up}.upsamplers.0.conv`, { in: width, out: width, kernel: 3 });
    }
  }
  if (skips.length !== 0) throw new Error(`unet: ${skips.length} skip connections left unused`);

  // 5. Output: GroupNorm, SiLU, 3x3 conv to the latent channels.
  x = silu(b, groupNorm(b, x, 'conv_norm_out', width, groups, 1e-5));
  x = conv2d(b, x, 'conv_out', { in: width, out: arch.outChannels, kernel: 3 });
  b.output('out_sample', computeType, ['batch', arch.outChannels, 'height', 'width'], x);
  return b.build('unet', `Synthetic UNet2DConditionModel (random weights, real architecture): ${JSON.stringify(arch)}`);
}
