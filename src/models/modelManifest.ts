// What the app knows about a model's files once it has been resolved (from the catalog, a base URL, the Hugging Face
// Hub or a folder): the list the downloader fetches, the weight store records and the worker loads from.
import type { GenerationMode } from '../predictions/PredictionInput';
import type { ModelProfile } from '../predictions/modelSchemas';

export interface ManifestFile {
  /** Path inside the model folder, diffusers layout: 'unet/model.onnx', 'tokenizer/vocab.json'. */
  path: string;
  /** Exact size in bytes: every stored file is checked against it. */
  size: number;
  /** Lower-case hex SHA-256 of the whole file, where it is known (the Hub publishes it for LFS files). */
  sha256?: string;
  /** Where to fetch it; absent for files imported from a folder on disk. */
  url?: string;
}

export type ModelDtype = 'float32' | 'float16';

export interface ModelManifest {
  id: string;
  name: string;
  files: ManifestFile[];
  /** Where the files came from, in words: 'huggingface.co/schmuell/sd-turbo-ort-web @ ace89b7', a URL, a folder. */
  origin: string;
  /** What it can do, in the order the mode tabs show them. */
  modes: GenerationMode[];
  dtype?: ModelDtype;
  /** The model's own defaults and limits (SD-Turbo: 512², 1–4 steps, no guidance). */
  profile?: ModelProfile;
  /** The built-in demo: random weights, makes noise. */
  demo?: boolean;
}

export const totalBytes = (files: readonly Pick<ManifestFile, 'size'>[]) => files.reduce((sum, file) => sum + file.size, 0);

/** 1.7 GB, 99.1 MB, 640 kB, 12 B — decimal units, as download tools and the Hub show sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
