// Reads a complete file back from the weight store into one buffer, checking every chunk's size and SHA-256 on the
// way, so damaged bytes are never handed to ONNX Runtime. Damaged chunks are recorded on the file, for the app to
// fetch again, and reported as a StoredWeightsError naming the file.
import { createSHA256 } from 'hash-wasm';
import { formatBytes } from './modelManifest';
import { storedBytes, type WeightStore } from './weightStore';

export type StoredWeightsErrorCode = 'weights_missing' | 'weights_damaged';

export class StoredWeightsError extends Error {
  constructor(
    readonly code: StoredWeightsErrorCode,
    readonly modelId: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoredWeightsError';
  }
}

/**
 * The file's bytes, holding at most one chunk besides the result. Throws StoredWeightsError: 'weights_missing' when
 * the file is not completely stored, 'weights_damaged' when a chunk is missing, truncated or altered (the file
 * record then lists those chunks in `damaged`).
 */
export async function readStoredFile(store: WeightStore, modelId: string, path: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = await store.getFile(modelId, path);
  if (!file || !file.complete) {
    const stored = file ? `${formatBytes(storedBytes(file))} of ${formatBytes(file.size)} stored` : 'nothing stored';
    throw new StoredWeightsError('weights_missing', modelId, path, `${path} of model "${modelId}" is not downloaded yet (${stored}).`);
  }
  if (file.damaged?.length) {
    throw new StoredWeightsError('weights_damaged', modelId, path, `${path} of model "${modelId}" has ${file.damaged.length} damaged chunk(s) waiting to be fetched again.`);
  }
  const out = new Uint8Array(file.size);
  const hasher = await createSHA256();
  const damaged: number[] = [];
  for (let index = 0; index < file.chunks.length; index++) {
    const chunk = file.chunks[index];
    const blob = await store.getChunk(modelId, path, index);
    if (!blob || blob.size !== chunk.size) {
      damaged.push(index);
      continue;
    }
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (hasher.init().update(bytes).digest('hex') !== chunk.sha256) {
      damaged.push(index);
      continue;
    }
    out.set(bytes, chunk.offset);
  }
  if (damaged.length > 0) {
    await store.putFile({ ...file, damaged });
    const bytes = damaged.reduce((sum, index) => sum + file.chunks[index].size, 0);
    throw new StoredWeightsError(
      'weights_damaged',
      modelId,
      path,
      `${path} of model "${modelId}" failed its SHA-256 integrity check on load: ${damaged.length} stored chunk(s) (${formatBytes(bytes)}) are damaged and will be fetched again.`,
    );
  }
  return out;
}
