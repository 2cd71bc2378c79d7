// Test helpers: load a generated tiny model from public/models through onnxruntime-node, optionally recording
// every real session call (inputs and outputs) so tests can check what the pipelines fed the graphs.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadStableDiffusionModel, type StableDiffusionModel } from '../src/engine';
import type { ModelComponent, ModelSession, ModelSource, SessionFeed, TensorData } from '../src/engine/runtime';
import { isHostTensor } from '../src/engine/runtime';
import { directoryModelSource } from '../src/node/directoryModelSource';
import type { OrtApi } from '../src/ort/OrtModelSession';
import type { RgbaImage } from '../src/engine/image';

export const MODELS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'models');

export type TinyVariant = 'tiny-sd' | 'tiny-sd-inpainting' | 'tiny-sd-fp16' | 'tiny-sd-int64' | 'tiny-sd-external-data';

export interface RecordedCall {
  component: ModelComponent;
  inputs: Record<string, { type: string; dims: readonly number[]; data: TensorData }>;
  outputs: Record<string, { type: string; dims: readonly number[]; data: TensorData }>;
}

/** How a test may alter a real session: change its metadata, or its outputs after the real run. */
export interface SessionTweak {
  component: ModelComponent;
  inputs?: (inputs: ModelSession['inputs']) => ModelSession['inputs'];
  afterRun?: (outputs: Record<string, TensorData>) => void;
}

export function tinyModelSource(variant: TinyVariant): ModelSource {
  return directoryModelSource(join(MODELS_DIR, variant), ort as unknown as OrtApi);
}

async function readFeed(feed: SessionFeed): Promise<{ type: string; dims: readonly number[]; data: TensorData }> {
  return { type: feed.type, dims: feed.dims, data: isHostTensor(feed) ? feed.data.slice() : (await feed.read()).slice() };
}

/** A ModelSource that records every run (copies of inputs and outputs) and applies optional tweaks. */
export function recordingSource(inner: ModelSource, calls: RecordedCall[], tweaks: SessionTweak[] = []): ModelSource {
  return {
    readText: (path) => inner.readText(path),
    hasComponent: (component) => inner.hasComponent(component),
    async createSession(component) {
      const session = await inner.createSession(component);
      const tweak = tweaks.find((t) => t.component === component);
      return {
        inputs: tweak?.inputs ? tweak.inputs(session.inputs) : session.inputs,
        outputs: session.outputs,
        async run(feeds) {
          const outputs = await session.run(feeds);
          const call: RecordedCall = { component, inputs: {}, outputs: {} };
          for (const [name, feed] of Object.entries(feeds)) call.inputs[name] = await readFeed(feed);
          for (const [name, tensor] of Object.entries(outputs)) {
            const data = await tensor.read();
            tweak?.afterRun?.({ [name]: data });
            call.outputs[name] = { type: tensor.type, dims: tensor.dims, data: data.slice() };
          }
          calls.push(call);
          return outputs;
        },
        release: () => session.release(),
      };
    },
  };
}

export async function loadTinyModel(
  variant: TinyVariant = 'tiny-sd',
  options: { calls?: RecordedCall[]; tweaks?: SessionTweak[] } = {},
): Promise<StableDiffusionModel> {
  const source = tinyModelSource(variant);
  return loadStableDiffusionModel(options.calls || options.tweaks ? recordingSource(source, options.calls ?? [], options.tweaks) : source);
}

/** A test picture: smooth colour gradients with a few shapes, so resizing and inpainting have something to keep. */
export function testPicture(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const inCircle = (x - width / 3) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 5) ** 2;
      data[i] = inCircle ? 230 : Math.round((255 * x) / width);
      data[i + 1] = inCircle ? 40 : Math.round((255 * y) / height);
      data[i + 2] = (x >> 3) % 2 === (y >> 3) % 2 ? 200 : 60;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** A black mask with a white (repaint) rectangle [x0, x1) x [y0, y1). */
export function rectangleMask(width: number, height: number, x0: number, y0: number, x1: number, y1: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const white = x >= x0 && x < x1 && y >= y0 && y < y1 ? 255 : 0;
      data[i] = data[i + 1] = data[i + 2] = white;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}
