// Node-only: a ModelSource over a model folder on disk, running graphs with onnxruntime-node. Used by unit tests,
// the benchmark and scripts; the browser reads models through the worker's own source instead.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelComponent, ModelSource } from '../engine';
import { NODE_SESSION_OPTIONS } from './nodeSessionOptions';
import { wrapOrtSession, type OrtApi } from './OrtModelSession';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function directoryModelSource(
  directory: string,
  ort: OrtApi,
  sessionOptions: InferenceSession.SessionOptions = NODE_SESSION_OPTIONS,
): ModelSource {
  return {
    async readText(path) {
      const file = join(directory, path);
      return (await exists(file)) ? readFile(file, 'utf8') : null;
    },
    hasComponent: (component: ModelComponent) => exists(join(directory, component, 'model.onnx')),
    async createSession(component) {
      // onnxruntime-node resolves external-data files (model.onnx_data, weights.pb) next to the model path itself.
      const session = await ort.InferenceSession.create(join(directory, component, 'model.onnx'), sessionOptions);
      return wrapOrtSession(ort, session);
    },
  };
}
