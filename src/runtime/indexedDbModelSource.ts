// A ModelSource over a model in the IndexedDB weight store (downloaded or imported): reads configs and graphs from
// the stored chunks, checking each chunk's SHA-256 as it goes, and makes no network request at all. One file's
// bytes are held at a time besides what onnxruntime copies for its session.
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelComponent, ModelSource } from '../engine';
import { readStoredFile, StoredWeightsError } from '../models/readStoredFile';
import { WeightStore, type StoredFile } from '../models/weightStore';
import { externalDataNames } from './componentFiles';
import { wrapOrtSession, type OrtApi } from './OrtModelSession';

export type SessionOptionsFor = (component: ModelComponent) => InferenceSession.SessionOptions;

/**
 * Opens stored model `modelId`. Rejects with StoredWeightsError 'weights_missing' when the model or one of its
 * files is not completely stored, so nothing half-downloaded ever reaches onnxruntime.
 */
export async function indexedDbModelSource(
  modelId: string,
  ort: OrtApi,
  sessionOptionsFor: SessionOptionsFor = () => ({}),
  store: WeightStore = new WeightStore(),
): Promise<ModelSource> {
  const [model, fileList] = await Promise.all([store.getModel(modelId), store.listFiles(modelId)]);
  if (!model) throw new StoredWeightsError('weights_missing', modelId, '', `Model "${modelId}" is not in this browser's storage: download it first.`);
  const files = new Map<string, StoredFile>(fileList.map((file) => [file.path, file]));
  const incomplete = model.manifest.files.filter((file) => !files.get(file.path)?.complete);
  if (incomplete.length > 0) {
    const names = incomplete.map((file) => file.path).join(', ');
    throw new StoredWeightsError('weights_missing', modelId, incomplete[0].path, `Model "${model.manifest.name}" is not completely downloaded (missing: ${names}).`);
  }
  const read = (path: string) => readStoredFile(store, modelId, path);
  return {
    async readText(path) {
      if (!files.has(path)) return null;
      return new TextDecoder().decode(await read(path));
    },
    hasComponent: async (component) => files.has(`${component}/model.onnx`),
    async createSession(component) {
      const names = externalDataNames(files.keys(), component);
      // One file at a time: the graph, then each external-data file (onnxruntime needs them all to create it).
      const graph = await read(`${component}/model.onnx`);
      const externalData: Array<{ path: string; data: Uint8Array }> = [];
      for (const name of names) externalData.push({ path: name, data: await read(`${component}/${name}`) });
      const options = sessionOptionsFor(component);
      const session = await ort.InferenceSession.create(graph, externalData.length > 0 ? { ...options, externalData } : options);
      return wrapOrtSession(ort, session);
    },
  };
}
