// The weight store: downloaded and imported models in IndexedDB (an idb-keyval custom store), each file kept as
// Blob chunks with a record of every chunk's offset, size and SHA-256, so a download resumes where its stored bytes
// end and a damaged chunk is found and re-fetched alone. Used by the main thread (downloads) and the engine worker.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { isQuotaError } from '../history/HistoryStorageError';
import { writeAtomically } from '../storage/writeAtomically';
import { formatBytes, type ModelManifest } from './modelManifest';

/** A database of its own (idb-keyval creates a store only together with its database). */
export const WEIGHTS_DB_NAME = 'sd-studio-weights';
export const WEIGHTS_STORE_NAME = 'weights';

export interface StoredChunk {
  offset: number;
  size: number;
  /** SHA-256 of this chunk's bytes as they arrived; checked every time the chunk is read back. */
  sha256: string;
}

export interface StoredFile {
  modelId: string;
  path: string;
  /** The size the file must have. */
  size: number;
  /** The whole file's SHA-256, when known; the file is verified against it before it is marked complete. */
  sha256?: string;
  /** Contiguous from offset 0; their sizes add up to the bytes stored so far. */
  chunks: StoredChunk[];
  /** The incremental SHA-256 state after the last chunk (hash-wasm `save()`), so hashing resumes after a reload. */
  hashState?: Uint8Array;
  /** Every byte is stored and checked (size, and SHA-256 where known). */
  complete: boolean;
  /** Chunks found damaged when read back: their bytes are fetched again before the file is used. */
  damaged?: number[];
}

export interface StoredModel {
  manifest: ModelManifest;
  addedAt: string;
}

export type WeightStoreErrorCode = 'quota_exceeded' | 'storage_failed';

export class WeightStoreError extends Error {
  constructor(
    readonly code: WeightStoreErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'WeightStoreError';
  }
}

// Array keys keep one model's keys together, so a key range reads or drops all of them in one request.
const modelKey = (id: string): IDBValidKey => ['model', id];
const fileKey = (id: string, path: string): IDBValidKey => ['file', id, path];
const chunkKey = (id: string, path: string, index: number): IDBValidKey => ['chunk', id, path, index];
// An array sorts after every string and number, so [..., []] bounds every key that extends the prefix.
const below = (prefix: IDBValidKey[]) => IDBKeyRange.bound(prefix, [...prefix, []]);

export const storedBytes = (file: Pick<StoredFile, 'chunks'>) => file.chunks.reduce((sum, chunk) => sum + chunk.size, 0);

function toStoreError(error: unknown, what: string, bytes?: number): WeightStoreError {
  if (error instanceof WeightStoreError) return error;
  if (isQuotaError(error)) {
    const needed = bytes === undefined ? '' : ` (${formatBytes(bytes)} more were needed)`;
    return new WeightStoreError('quota_exceeded', `The browser's storage is full: could not ${what}${needed}. Delete a model or old results to free space; the download resumes where it stopped.`, { cause: error });
  }
  return new WeightStoreError('storage_failed', `Could not ${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

export class WeightStore {
  constructor(private readonly store: UseStore = createStore(WEIGHTS_DB_NAME, WEIGHTS_STORE_NAME)) {}

  getModel(id: string): Promise<StoredModel | undefined> {
    return this.read('read the model list', (os) => promisifyRequest(os.get(modelKey(id))));
  }

  listModels(): Promise<StoredModel[]> {
    return this.read('read the model list', (os) => promisifyRequest(os.getAll(below(['model']))) as Promise<StoredModel[]>);
  }

  getFile(id: string, path: string): Promise<StoredFile | undefined> {
    return this.read('read a stored file', (os) => promisifyRequest(os.get(fileKey(id, path))));
  }

  listFiles(id: string): Promise<StoredFile[]> {
    return this.read('read a model\'s files', (os) => promisifyRequest(os.getAll(below(['file', id]))) as Promise<StoredFile[]>);
  }

  getChunk(id: string, path: string, index: number): Promise<Blob | undefined> {
    return this.read('read stored weights', (os) => promisifyRequest(os.get(chunkKey(id, path, index))));
  }

  /** Records a model and the (empty) records of files not stored yet; files already stored keep their bytes. */
  async putModel(model: StoredModel, files: StoredFile[]): Promise<void> {
    await this.write('record the model', (os) => {
      os.put(model, modelKey(model.manifest.id));
      for (const file of files) os.put(file, fileKey(file.modelId, file.path));
    });
  }

  /** Stores one chunk and the file record that lists it, in one transaction: either both are stored or neither. */
  async putChunk(file: StoredFile, index: number, bytes: Blob): Promise<void> {
    await this.write('store downloaded weights', (os) => {
      os.put(bytes, chunkKey(file.modelId, file.path, index));
      os.put(file, fileKey(file.modelId, file.path));
    }, bytes.size);
  }

  /** Saves a file record alone (marking it complete, or listing damaged chunks). */
  async putFile(file: StoredFile): Promise<void> {
    await this.write('update a stored file', (os) => {
      os.put(file, fileKey(file.modelId, file.path));
    });
  }

  /** Drops a file's bytes and starts its record over (a failed check, or a server that ignored Range). */
  async resetFile(file: StoredFile): Promise<StoredFile> {
    const fresh: StoredFile = { modelId: file.modelId, path: file.path, size: file.size, sha256: file.sha256, chunks: [], complete: false };
    await this.write('discard a stored file', (os) => {
      os.delete(below(['chunk', file.modelId, file.path]));
      os.put(fresh, fileKey(file.modelId, file.path));
    });
    return fresh;
  }

  /** Removes a model with all its files and bytes. */
  async deleteModel(id: string): Promise<void> {
    await this.write('delete the model', (os) => {
      os.delete(modelKey(id));
      os.delete(below(['file', id]));
      os.delete(below(['chunk', id]));
    });
  }

  private async read<T>(what: string, body: (os: IDBObjectStore) => Promise<T>): Promise<T> {
    try {
      return await this.store('readonly', body);
    } catch (error) {
      throw toStoreError(error, what);
    }
  }

  private async write(what: string, body: (os: IDBObjectStore) => void, bytes?: number): Promise<void> {
    try {
      await writeAtomically(this.store, body);
    } catch (error) {
      throw toStoreError(error, what, bytes);
    }
  }
}
