// Test helpers: load a generated tiny model from test/models through onnxruntime-node, optionally recording
// every real session call (inputs and outputs) so tests can check what the pipelines fed the graphs.
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadStableDiffusionModel, type StableDiffusionModel } from '../src/engine';
import type { ModelComponent, ModelSession, ModelSource, SessionFeed, TensorData } from '../src/engine/runtime';
import { isHostTensor } from '../src/engine/runtime';
import { directoryModelSource } from '../src/runtime/directoryModelSource';
import type { OrtApi } from '../src/runtime/OrtModelSession';
import { TEST_MODELS_DIR } from './testModelsDir';

export const MODELS_DIR = TEST_MODELS_DIR;

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

export { rectangleMask, testPicture } from './pictures';

/** A tiny model whose source also supplies the tiny TAESD stand-in (test/models/tiny-taesd) as `taesd_decoder`. */
export async function loadTinyModelWithTaesd(variant: TinyVariant = 'tiny-sd'): Promise<StableDiffusionModel> {
  const source = tinyModelSource(variant);
  const taesd = directoryModelSource(join(MODELS_DIR, 'tiny-taesd'), ort as unknown as OrtApi);
  return loadStableDiffusionModel({
    ...source,
    hasComponent: async (component) => (component === 'taesd_decoder' ? true : source.hasComponent(component)),
    createSession: (component) => (component === 'taesd_decoder' ? taesd.createSession('vae_decoder') : source.createSession(component)),
  });
}
