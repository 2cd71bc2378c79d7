// The real-size graphs against the published architectures: parameter counts as diffusers / transformers report them,
// FLOPs at 512² against closed forms and the figures, the export contract at the graph boundary; built
// without weights, so these stay fast. A scaled-down instance is written to disk and run in onnxruntime-node.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { fromFloat16Array } from '../../src/engine/float32';
import { REAL_SIZE_VARIANTS, SCALED_DOWN_VARIANT } from './architectures';
import { graphCost } from './graphCost';
import { buildComponentGraph, COMPONENT_NAMES, inputShapes, REFERENCE_EVALUATION, type ComponentName } from './realSizeComponents';
import { writeRealSizeModelFolder } from './realSizeModelFolder';
import { runBareGeneration } from './bareGenerationLoop';
import { nodeLoopSession } from './nodeRealSizeBench';
import { syntheticFeeds, type FeedData } from './syntheticFeeds';

const { onnx } = onnxProto;
const SD15 = REAL_SIZE_VARIANTS.sd15;
const TURBO = REAL_SIZE_VARIANTS['sd-turbo'];
const costAt512 = (component: ComponentName, variant = SD15) =>
  graphCost(buildComponentGraph(component, variant, 'float32'), inputShapes(component, variant, REFERENCE_EVALUATION));

describe('parameter counts match the published models', () => {
  it('SD 1.5 UNet: 859,520,964 (diffusers UNet2DConditionModel.num_parameters())', () => {
    expect(costAt512('unet').parameters).toBe(859_520_964);
  });

  it('SD-Turbo / SD 2.1 UNet: 865,910,724 (1024-wide cross-attention keys and values)', () => {
    expect(costAt512('unet', TURBO).parameters).toBe(865_910_724);
  });

  it('CLIP ViT-L/14 text encoder: 123,060,480; OpenCLIP ViT-H/14 (23 layers): 340,387,840', () => {
    expect(costAt512('text_encoder').parameters).toBe(123_060_480);
    expect(costAt512('text_encoder', TURBO).parameters).toBe(340_387_840);
  });

  it('VAE decoder: 49,490,179 plus post_quant_conv (4·4 + 4), which the ONNX vae_decoder includes', () => {
    expect(costAt512('vae_decoder').parameters).toBe(49_490_179 + 20);
  });

  it('TAESD decoder: 1,222,531 (conv 4→64, 10 Blocks of three 64→64 convs, 3 bias-free convs, conv 64→3)', () => {
    const conv = (cin: number, cout: number, bias = true) => cin * cout * 9 + (bias ? cout : 0);
    const expected = conv(4, 64) + 10 * 3 * conv(64, 64) + 3 * conv(64, 64, false) + conv(64, 3);
    expect(expected).toBe(1_222_531);
    expect(costAt512('taesd_decoder').parameters).toBe(expected);
  });
});

describe('FLOPs of one evaluation at 512² (batch 1, 77 tokens; a multiply-add = 2 FLOPs)', () => {
  it('SD 1.5 UNet ≈ 0.80 TFLOP, its attention matmuls as the closed form 4·N²·C + 4·N·77·C per transformer', () => {
    const cost = costAt512('unet');
    expect(cost.total / 1e12).toBeCloseTo(0.803, 2);
    // Transformers per (tokens, channels): down 2, mid 1, up 3 at each resolution that has attention.
    const transformers: [number, number, number][] = [[64 * 64, 320, 5], [32 * 32, 640, 5], [16 * 16, 1280, 5], [8 * 8, 1280, 1]];
    const attention = transformers.reduce((sum, [n, c, count]) => sum + count * (4 * n * n * c + 4 * n * 77 * c), 0);
    expect(cost.attention).toBe(attention);
    // PLATFORM.md's split (convolutions 418, linear 259 GFLOP) counts the 1x1 proj_in/proj_out as linear.
    expect((cost.convolution + cost.linear) / 1e9).toBeCloseTo(418 + 259, -1);
  });

  it('SD-Turbo UNet (linear projections): convolutions ≈ 418, linear ≈ 260, attention ≈ 126 GFLOP', () => {
    const cost = costAt512('unet', TURBO);
    expect(cost.convolution / 1e9).toBeCloseTo(418.4, 0);
    expect(cost.linear / 1e9).toBeCloseTo(259.8, 0);
    expect(cost.attention / 1e9).toBeCloseTo(126.1, 0);
  });

  it('the full VAE decoder ≈ 2.5 TFLOP, TAESD ≈ 141 GFLOP, the text encoder ≈ 13 GFLOP', () => {
    expect(costAt512('vae_decoder').total / 1e12).toBeCloseTo(2.51, 2);
    // TAESD: 64x64 convs at 64², 128², 256², 512² (4 + 4 + 4 + 3 + the bias-free conv after each upsampling).
    const conv = (size: number, cin: number, cout: number) => 2 * size * size * cin * cout * 9;
    const taesd = conv(64, 4, 64) + 9 * conv(64, 64, 64) + (9 + 1) * conv(128, 64, 64) + (9 + 1) * conv(256, 64, 64) +
      (1 + 3) * conv(512, 64, 64) + conv(512, 64, 3);
    expect(costAt512('taesd_decoder').convolution).toBe(taesd);
    expect(costAt512('text_encoder').total / 1e9).toBeCloseTo(13.3, 0);
  });
});

describe('the export contract at the graph boundary', () => {
  const boundary = (component: ComponentName, dtype: 'float32' | 'float16') => {
    const graph = buildComponentGraph(component, SD15, dtype).graph!;
    const describe = (info: onnxProto.onnx.IValueInfoProto) =>
      `${info.name}:${onnx.TensorProto.DataType[info.type!.tensorType!.elemType!]}[${info.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))}]`;
    return { inputs: graph.input!.map(describe), outputs: graph.output!.map(describe), graph };
  };

  it('fp32: int32 ids, int64 [batch] timestep, float32 latents and states', () => {
    expect(boundary('text_encoder', 'float32').inputs).toEqual(['input_ids:INT32[batch,sequence]']);
    expect(boundary('text_encoder', 'float32').outputs[0]).toBe('last_hidden_state:FLOAT[batch,sequence,768]');
    expect(boundary('unet', 'float32').inputs).toEqual([
      'sample:FLOAT[batch,4,height,width]', 'timestep:INT64[batch]', 'encoder_hidden_states:FLOAT[batch,sequence,768]',
    ]);
    expect(boundary('unet', 'float32').outputs).toEqual(['out_sample:FLOAT[batch,4,height,width]']);
    for (const vae of ['vae_decoder', 'taesd_decoder'] as const) {
      expect(boundary(vae, 'float32').inputs).toEqual(['latent_sample:FLOAT[batch,4,latent_height,latent_width]']);
      expect(boundary(vae, 'float32').outputs).toEqual(['sample:FLOAT[batch,3,height,width]']);
    }
  });

  it('fp16: float16 weights, latents, states and a float16 [1] timestep, as real fp16 exports', () => {
    const { inputs, graph } = boundary('unet', 'float16');
    expect(inputs).toEqual([
      'sample:FLOAT16[batch,4,height,width]', 'timestep:FLOAT16[1]', 'encoder_hidden_states:FLOAT16[batch,sequence,768]',
    ]);
    const parameterTypes = new Set(graph.initializer!.filter((t) => !t.name!.startsWith('const.')).map((t) => t.dataType));
    expect([...parameterTypes]).toEqual([onnx.TensorProto.DataType.FLOAT16]);
  });

  it('parameters carry diffusers state-dict names and shapes (the weight stored [in, out])', () => {
    const shapes = new Map(buildComponentGraph('unet', SD15, 'float32').graph!.initializer!.map((t) => [t.name, t.dims!.map(Number)]));
    expect(shapes.get('down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight')).toEqual([768, 320]);
    expect(shapes.get('up_blocks.3.resnets.2.conv_shortcut.weight')).toEqual([320, 640, 1, 1]);
    expect(shapes.get('mid_block.attentions.0.transformer_blocks.0.ff.net.0.proj.weight')).toEqual([1280, 10240]);
  });
});

describe('a scaled-down instance runs in onnxruntime-node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'real-size-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const size = { batch: 2, latentSize: 8, tokens: 77 };
  const expectedShapes: Record<string, number[]> = {
    last_hidden_state: [2, 77, 64], pooler_output: [2, 64], out_sample: [2, 4, 8, 8], sample: [2, 3, 64, 64],
  };

  async function runAll(folder: string) {
    for (const component of COMPONENT_NAMES) {
      const session = await ort.InferenceSession.create(join(folder, component, 'model.onnx'));
      const feeds = syntheticFeeds(component, size, session.inputMetadata as never);
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([name, f]: [string, FeedData]) => [name, new ort.Tensor(f.type, f.data as never, f.dims)]),
      );
      const outputs = await session.run(tensors);
      for (const [name, tensor] of Object.entries(outputs)) {
        expect(tensor.dims, `${component} ${name}`).toEqual(expectedShapes[name]);
        const values = tensor.type === 'float16' ? fromFloat16Array(tensor.data as Uint16Array) : (tensor.data as Float32Array);
        expect(values.every(Number.isFinite), `${component} ${name} finite`).toBe(true);
      }
      await session.release();
    }
  }

  it('fp32: every component gives finite outputs of the contract shapes, weights in model.onnx_data', async () => {
    const folder = join(dir, 'fp32');
    writeRealSizeModelFolder({ out: folder, variant: SCALED_DOWN_VARIANT, dtype: 'float32', components: COMPONENT_NAMES });
    await runAll(folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'real-size-models.json'), 'utf8'));
    expect(manifest.components.map((c: { component: string }) => c.component)).toEqual([...COMPONENT_NAMES]);
  });

  it('fp16: the float16 export runs too, and the bare generation loop drives it with guidance and TAESD', async () => {
    const folder = join(dir, 'fp16');
    writeRealSizeModelFolder({ out: folder, variant: SCALED_DOWN_VARIANT, dtype: 'float16', components: COMPONENT_NAMES });
    await runAll(folder);
    const open = async (component: string) => nodeLoopSession(await ort.InferenceSession.create(join(folder, component, 'model.onnx')));
    const sessions = { text_encoder: await open('text_encoder'), unet: await open('unet'), decoder: await open('taesd_decoder') };
    const times = await runBareGeneration(sessions, { steps: 3, guidance: true, decoder: 'taesd_decoder', latentSize: 8 });
    expect(times.unetStepMs).toHaveLength(3);
    expect(times.totalMs).toBeGreaterThan(0);
  });
});

describe('the command line', () => {
  const run = (...args: string[]) =>
    spawnSync('node_modules/.bin/tsx', ['scripts/realSizeModels/writeRealSizeModels.ts', ...args], { encoding: 'utf8' });

  it('refuses to run without --out, and to write inside the checkout without --force', () => {
    const missing = run();
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--out DIR is required');
    const inside = run('--out', 'scripts/realSizeModels/out');
    expect(inside.status).toBe(2);
    expect(inside.stderr).toContain('inside the repository');
  });
});
