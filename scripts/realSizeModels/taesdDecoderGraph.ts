// The real-size TAESD decoder graph (madebyollin/taesd, ~1.2 M parameters), the tiny stand-in for the VAE decoder:
// `latent_sample [batch, 4, h, w]` (SD latents, unscaled: AutoencoderTiny's scaling factor is 1) → `sample
// [batch, 3, 8h, 8w]` in [-1, 1]. Parameter names follow taesd_decoder.pth's nn.Sequential indices.
import type onnxProto from 'onnx-proto';
import type { TaesdDecoderArchitecture } from './architectures';
import { conv2d, upsampleNearest2x } from './networkLayers';
import { StreamingGraphBuilder, type FloatType, type WeightStore } from './streamingGraphBuilder';

/** taesd.py's Block(n, n): three 3x3 convs with ReLUs between, an identity skip, and a ReLU after the sum. */
function block(b: StreamingGraphBuilder, x: string, name: string, channels: number): string {
  const shape = { in: channels, out: channels, kernel: 3 };
  let h = b.op('Relu', [conv2d(b, x, `${name}.conv.0`, shape)]);
  h = b.op('Relu', [conv2d(b, h, `${name}.conv.2`, shape)]);
  h = conv2d(b, h, `${name}.conv.4`, shape);
  return b.op('Relu', [b.op('Add', [h, x])]);
}

export function buildTaesdDecoderGraph(arch: TaesdDecoderArchitecture, computeType: FloatType, store?: WeightStore): onnxProto.onnx.ModelProto {
  const b = new StreamingGraphBuilder(computeType, store);
  const C = arch.channels;
  const latent = b.input('latent_sample', computeType, ['batch', arch.latentChannels, 'latent_height', 'latent_width']);
  // Index 0 is taesd's Clamp: tanh(x / 3) · 3 keeps outlier latents in range.
  let x = b.op('Mul', [b.op('Tanh', [b.op('Div', [latent, b.scalar(3)])]), b.scalar(3)]);
  x = b.op('Relu', [conv2d(b, x, '1', { in: arch.latentChannels, out: C, kernel: 3 })]);
  let index = 3; // after Clamp (0), conv (1), ReLU (2)
  for (let stage = 0; stage < arch.upsamplingStages; stage++) {
    for (let i = 0; i < arch.blocksPerStage; i++) x = block(b, x, String(index++), C);
    x = upsampleNearest2x(b, x);
    index++; // nn.Upsample has no parameters
    x = conv2d(b, x, String(index++), { in: C, out: C, kernel: 3, bias: false });
  }
  x = block(b, x, String(index++), C);
  x = conv2d(b, x, String(index), { in: C, out: 3, kernel: 3 });
  // TAESD decodes to [0, 1]; AutoencoderTiny.decode maps that to the VAE's [-1, 1] (x·2 − 1).
  const image = b.op('Sub', [b.op('Mul', [x, b.scalar(2)]), b.scalar(1)]);
  b.output('sample', computeType, ['batch', 3, 'height', 'width'], image);
  return b.build('taesd_decoder', `Synthetic TAESD decoder (random weights, real architecture): ${JSON.stringify(arch)}`);
}
