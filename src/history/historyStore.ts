// Prediction history in IndexedDB (an idb-keyval custom store): one small record per prediction plus its PNG blobs,
// written in one transaction, blobs first and the record last, so a failed save leaves nothing behind.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { NoiseDevice } from '../predictions/backends';
import type { GenerationMode, Prediction } from '../predictions/PredictionInput';
import { writeAtomically } from '../storage/writeAtomically';
import { toHistoryStorageError } from './HistoryStorageError';

export { HistoryStorageError, type HistoryStorageErrorCode } from './HistoryStorageError';

/**
 * A database of its own: idb-keyval creates a store only when it creates the database, so a second store name in
 * a database another module already opened (e.g. model weights) would never be created.
 */
export const HISTORY_DB_NAME = 'sd-studio-history';
export const HISTORY_STORE_NAME = 'predictions';

/** An encoded image to keep (outputs already carry their `parameters` text chunk). */
export interface HistoryImage {
  blob: Blob;
  width: number;
  height: number;
}

/** What a record says about a stored image, so the gallery lays out without reading blobs. */
export interface StoredImageInfo {
  width: number;
  height: number;
  bytes: number;
  type: string;
}

export interface HistoryEntry {
  /** Any status: canceled and failed predictions are saved too, usually without outputs. */
  prediction: Prediction;
  mode: GenerationMode;
  noiseDevice?: NoiseDevice;
  maskBlur?: number;
  outputs?: HistoryImage[];
  /** Image-to-image and inpainting: the input image and mask, so the prediction can be rerun. */
  inputImage?: HistoryImage;
  inputMask?: HistoryImage;
  /** A failed prediction's error code ('device_lost', 'rate_limited', …), so the card can offer what fits. */
  errorCode?: string;
}

export type InputKind = 'image' | 'mask';

export interface HistoryRecord {
  id: string;
  /**
   * The prediction with `output: null` and without `input.image` / `input.mask`: those are blobs here (read them
   * with getOutput / getInput), and URLs or data URLs would either expire or make every record megabytes.
   */
  prediction: Prediction;
  mode: GenerationMode;
  noiseDevice?: NoiseDevice;
  maskBlur?: number;
  outputs: StoredImageInfo[];
  inputImage?: StoredImageInfo;
  inputMask?: StoredImageInfo;
  errorCode?: string;
  /** All of this prediction's blobs together. */
  bytes: number;
  savedAt: string;
}

export interface StorageUsage {
  /** Blob bytes the history holds (from its records). */
  historyBytes: number;
  /** The origin's usage and quota from navigator.storage.estimate(), when the browser offers it. */
  usage?: number;
  quota?: number;
}

// Array keys keep one prediction's keys together, so a key range reads all records or drops all of one's blobs.
const recordKey = (id: string): IDBValidKey => ['record', id];
const outputKey = (id: string, index: number): IDBValidKey => ['blob', id, 'output', index];
const inputKey = (id: string, kind: InputKind): IDBValidKey => ['blob', id, kind];
// An array sorts after every string and number, so [..., []] bounds every key that extends the prefix.
const ALL_RECORDS = () => IDBKeyRange.bound(['record'], ['record', []]);
const blobsOf = (id: string) => IDBKeyRange.bound(['blob', id], ['blob', id, []]);

const describeImage = (image: HistoryImage): StoredImageInfo => ({
  width: image.width,
  height: image.height,
  bytes: image.blob.size,
  type: image.blob.type,
});

function toRecord(entry: HistoryEntry, savedAt: string): HistoryRecord {
  const { prediction, mode, noiseDevice, maskBlur, inputImage, inputMask } = entry;
  const input = { ...prediction.input };
  delete input.image;
  delete input.mask;
  const outputs = (entry.outputs ?? []).map(describeImage);
  const record: HistoryRecord = { id: prediction.id, prediction: { ...prediction, input, output: null }, mode, outputs, bytes: 0, savedAt };
  if (noiseDevice !== undefined) record.noiseDevice = noiseDevice;
  if (maskBlur !== undefined) record.maskBlur = maskBlur;
  if (entry.errorCode !== undefined) record.errorCode = entry.errorCode;
  if (inputImage) record.inputImage = describeImage(inputImage);
  if (inputMask) record.inputMask = describeImage(inputMask);
  record.bytes = [...outputs, record.inputImage, record.inputMask].reduce((sum, info) => sum + (info?.bytes ?? 0), 0);
  return record;
}

/** Newest first by `created_at` (falling back to when it was saved); ids break ties so the order is stable. */
function newestFirst(a: HistoryRecord, b: HistoryRecord): number {
  const time = (record: HistoryRecord) => Date.parse(record.prediction.created_at) || Date.parse(record.savedAt) || 0;
  return time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export class HistoryStore {
  constructor(private readonly store: UseStore = createStore(HISTORY_DB_NAME, HISTORY_STORE_NAME)) {}

  /**
   * Saves (or replaces) a prediction with its blobs in one transaction. Throws HistoryStorageError
   * ('quota_exceeded' or 'storage_failed'); then nothing of this save is stored and earlier saves are untouched.
   */
  async save(entry: HistoryEntry): Promise<HistoryRecord> {
    const record = toRecord(entry, new Date().toISOString());
    const { id } = record;
    const blobs: [IDBValidKey, Blob][] = (entry.outputs ?? []).map((output, index) => [outputKey(id, index), output.blob]);
    if (entry.inputImage) blobs.push([inputKey(id, 'image'), entry.inputImage.blob]);
    if (entry.inputMask) blobs.push([inputKey(id, 'mask'), entry.inputMask.blob]);
    const neededBytes = record.bytes + JSON.stringify(record).length;
    try {
      await writeAtomically(this.store, (objectStore) => {
        objectStore.delete(blobsOf(id)); // a replaced prediction may have had more outputs
        for (const [key, blob] of blobs) objectStore.put(blob, key);
        objectStore.put(record, recordKey(id));
      });
    } catch (error) {
      throw toHistoryStorageError(error, 'save this prediction', neededBytes);
    }
    return record;
  }

  /** Every record, newest first; reads no blobs. */
  list(): Promise<HistoryRecord[]> {
    return this.read('read the history', async (objectStore) => {
      const records = (await promisifyRequest(objectStore.getAll(ALL_RECORDS()))) as HistoryRecord[];
      return records.sort(newestFirst);
    });
  }

  get(id: string): Promise<HistoryRecord | undefined> {
    return this.read('read the history', (objectStore) => promisifyRequest(objectStore.get(recordKey(id))));
  }

  /** Output `index` of a prediction as its PNG blob (with the parameters chunk), or undefined. */
  getOutput(id: string, index: number): Promise<Blob | undefined> {
    return this.read('read an image from the history', (objectStore) => promisifyRequest(objectStore.get(outputKey(id, index))));
  }

  getInput(id: string, kind: InputKind): Promise<Blob | undefined> {
    return this.read('read an image from the history', (objectStore) => promisifyRequest(objectStore.get(inputKey(id, kind))));
  }

  /** Removes a prediction's record and blobs together; deleting an unknown id does nothing. */
  async delete(id: string): Promise<void> {
    try {
      await writeAtomically(this.store, (objectStore) => {
        objectStore.delete(recordKey(id));
        objectStore.delete(blobsOf(id));
      });
    } catch (error) {
      throw toHistoryStorageError(error, 'delete this prediction');
    }
  }

  /** The history's own bytes, and the origin's usage and quota where navigator.storage.estimate() exists. */
  async estimateUsage(): Promise<StorageUsage> {
    const records = await this.list();
    const usage: StorageUsage = { historyBytes: records.reduce((sum, record) => sum + record.bytes, 0) };
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (typeof storage?.estimate !== 'function') return usage;
    try {
      const { usage: used, quota } = await storage.estimate();
      if (used !== undefined) usage.usage = used;
      if (quota !== undefined) usage.quota = quota;
    } catch {
      // An estimate is advisory: without one the UI shows the history's own size only.
    }
    return usage;
  }

  private async read<T>(what: string, run: (objectStore: IDBObjectStore) => Promise<T>): Promise<T> {
    try {
      return await this.store('readonly', run);
    } catch (error) {
      throw toHistoryStorageError(error, what);
    }
  }
}
