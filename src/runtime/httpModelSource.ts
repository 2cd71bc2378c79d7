// A ModelSource over a model folder served over HTTP (the built-in demo models under /models/<id>/). The folder's
// manifest.json, when present, is the list of files that exist, external-data files included; without one, files
// are probed. The onnxruntime module is passed in, as in directoryModelSource, so Node tests can run it too.
import type { InferenceSession } from 'onnxruntime-web';
import type { ModelComponent, ModelSource } from '../engine';
import { EXTERNAL_DATA_NAMES, externalDataNames } from './componentFiles';
import { wrapOrtSession, type OrtApi } from './OrtModelSession';

interface ManifestFile {
  path: string;
  size?: number;
  sha256?: string;
}


export type SessionOptionsFor = (component: ModelComponent) => InferenceSession.SessionOptions;

/**
 * A single-page-app server (Vite's dev server and preview included) answers a missing path with index.html and
 * status 200; a text/html answer for a file that is not HTML therefore means "not there".
 */
function isPresent(response: Response, path: string): boolean {
  if (!response.ok) return false;
  const type = response.headers.get('content-type') ?? '';
  return path.endsWith('.html') || !type.includes('text/html');
}

function httpError(response: Response, url: URL): Error {
  return new Error(`GET ${url.href} failed: ${response.status} ${response.statusText}`.trim());
}

export function httpModelSource(baseUrl: string, ort: OrtApi, sessionOptionsFor: SessionOptionsFor = () => ({})): ModelSource {
  // Relative folders ("/models/tiny-sd/") resolve against the page or worker that loads them.
  const root = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, globalThis.location?.href);
  const urlOf = (path: string) => new URL(path, root);

  let manifest: Promise<Set<string> | null> | undefined;
  const listedFiles = () =>
    (manifest ??= fetch(urlOf('manifest.json')).then(async (response) => {
      if (!isPresent(response, 'manifest.json')) return null;
      const parsed = (await response.json()) as { files?: ManifestFile[] };
      return new Set((parsed.files ?? []).map((file) => file.path));
    }));

  async function exists(path: string): Promise<boolean> {
    const files = await listedFiles();
    if (files) return files.has(path);
    const response = await fetch(urlOf(path), { method: 'HEAD' });
    return isPresent(response, path);
  }

  async function fetchBytes(path: string): Promise<Uint8Array> {
    const url = urlOf(path);
    const response = await fetch(url);
    if (!response.ok) throw httpError(response, url);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** The component folder's external-data files, named as the graph refers to them (relative to the folder). */
  async function weightFileNames(component: ModelComponent): Promise<string[]> {
    const files = await listedFiles();
    if (!files) {
      const found = await Promise.all(EXTERNAL_DATA_NAMES.map((name) => exists(`${component}/${name}`)));
      return EXTERNAL_DATA_NAMES.filter((_, i) => found[i]);
    }
    return externalDataNames(files, component);
  }

  return {
    async readText(path) {
      const files = await listedFiles();
      if (files && !files.has(path)) return null;
      const url = urlOf(path);
      const response = await fetch(url);
      if (response.status === 404 || (response.ok && !isPresent(response, path))) return null;
      if (!response.ok) throw httpError(response, url);
      return response.text();
    },
    hasComponent: (component) => exists(`${component}/model.onnx`),
    async createSession(component) {
      const names = await weightFileNames(component);
      const [graph, ...weights] = await Promise.all([
        fetchBytes(`${component}/model.onnx`),
        ...names.map((name) => fetchBytes(`${component}/${name}`)),
      ]);
      const externalData = names.map((path, i) => ({ path, data: weights[i] }));
      const options = sessionOptionsFor(component);
      const session = await ort.InferenceSession.create(graph, externalData.length > 0 ? { ...options, externalData } : options);
      return wrapOrtSession(ort, session);
    },
  };
}
