// Test helper: the worker's ModelLoader over the tiny models in test/models, run by onnxruntime-node, counting
// the sessions it creates and releases so tests can check reuse and release; optional hooks simulate what only a
// browser produces (a float16 refusal, a lost GPU device).
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadStableDiffusionModel } from '../src/engine';
import type { ModelComponent, ModelSource } from '../src/engine/runtime';
import { directoryModelSource } from '../src/runtime/directoryModelSource';
import type { OrtApi } from '../src/runtime/OrtModelSession';
import type { LoadedModel, ModelLoader } from '../src/worker/EngineHost';
import type { BackendInfo, BackendPreference, ModelRef } from '../src/predictions/backends';
import { WorkerError } from '../src/worker/workerErrors';
import { MODELS_DIR } from './tinyModel';

export const NODE_BACKEND: BackendInfo = { kind: 'wasm', label: 'Node CPU', reasons: [], threads: 1 };

/** A ModelRef for a tiny variant, with the URL the app serves it from. */
export const tinyModelRef = (id: string, extra: Partial<ModelRef> = {}): ModelRef => ({ id, baseUrl: `/models/${id}/`, ...extra });

export interface LoaderHooks {
  /** Called on every session creation; throw to make it fail. */
  onCreateSession?: (component: ModelComponent, model: ModelRef, backend: BackendPreference) => void;
  /** Given to every loaded model as its device-loss signal. */
  deviceLost?: Promise<string>;
}

export interface CountingLoader extends ModelLoader {
  loads: Array<{ model: ModelRef; backend: BackendPreference }>;
  created: string[];
  released: string[];
}

export function nodeModelLoader(hooks: LoaderHooks = {}): CountingLoader {
  const loader: CountingLoader = {
    loads: [],
    created: [],
    released: [],
    async load(model, backend): Promise<LoadedModel> {
      if (backend === 'webgpu') throw new WorkerError('no_adapter', 'WebGPU was requested, but this browser has no WebGPU.');
      loader.loads.push({ model, backend });
      // '/models/tiny-sd/' is read from test/models/tiny-sd/.
      const files = directoryModelSource(join(MODELS_DIR, '..', model.baseUrl ?? `/models/${model.id}/`), ort as unknown as OrtApi);
      const source: ModelSource = {
        ...files,
        async createSession(component) {
          hooks.onCreateSession?.(component, model, backend);
          const session = await files.createSession(component);
          const name = `${model.id}/${component}`;
          loader.created.push(name);
          return {
            ...session,
            release: async () => {
              loader.released.push(name);
              await session.release();
            },
          };
        },
      };
      return { model: await loadStableDiffusionModel(source, model.profile), backend: NODE_BACKEND, deviceLost: hooks.deviceLost };
    },
  };
  return loader;
}
