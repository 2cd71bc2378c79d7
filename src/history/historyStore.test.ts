// Runs against fake-indexeddb, an in-memory IndexedDB that follows the spec (transactions, key ranges, aborts).
import 'fake-indexeddb/auto';
import { createStore, type UseStore } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Prediction } from '../predictions/PredictionInput';
import { isQuotaError } from './HistoryStorageError';
import { HistoryStorageError, HistoryStore, type HistoryEntry } from './historyStore';

let databaseCount = 0;
const freshStore = (): UseStore => createStore(`history-test-${++databaseCount}`, 'predictions');

function prediction(id: string, createdAt: string, overrides: Partial<Prediction> = {}): Prediction {
  return {
    id,
    model: 'tiny-sd',
    input: { prompt: `prompt ${id}`, num_outputs: 2, seed: 7 },
    status: 'succeeded',
    output: ['blob:http://localhost/abc', 'blob:http://localhost/def'],
    error: null,
    logs: '',
    metrics: { predict_time: 1.5 },
    created_at: createdAt,
    backend: 'local · WASM',
    ...overrides,
  };
}

const png = (text: string) => new Blob([`PNG-${text}`], { type: 'image/png' });

function entry(id: string, createdAt: string, outputCount = 2): HistoryEntry {
  return {
    prediction: prediction(id, createdAt),
    mode: 'text-to-image',
    noiseDevice: 'cpu',
    outputs: Array.from({ length: outputCount }, (_, i) => ({ blob: png(`${id}-${i}`), width: 64, height: 32 })),
  };
}

/**
 * A store whose object store misbehaves: `put` can throw for chosen keys, and the transaction can report a chosen
 * error (the way a quota failure surfaces when the browser aborts the transaction at commit).
 */
function faultyStore(base: UseStore, fault: { throwOnPut?: (key: IDBValidKey) => Error | undefined; abortWith?: DOMException }): UseStore {
  return (mode, callback) =>
    base(mode, (objectStore) => {
      const transaction = objectStore.transaction;
      const fakeTransaction = new Proxy(transaction, {
        get: (target, property) => {
          if (property === 'error' && fault.abortWith) return fault.abortWith;
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const fakeStore = new Proxy(objectStore, {
        get: (target, property) => {
          if (property === 'transaction') return fakeTransaction;
          if (property === 'put') {
            return (value: unknown, key: IDBValidKey) => {
              const error = fault.throwOnPut?.(key);
              if (error) throw error;
              return target.put(value, key);
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const result = callback(fakeStore);
      if (mode === 'readwrite' && fault.abortWith) transaction.abort();
      return result;
    });
}

const blobText = async (blob: Blob | undefined) => (blob ? await blob.text() : undefined);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('HistoryStore', () => {
  it('saves records with image sizes, lists them newest first and reads their blobs', async () => {
    const history = new HistoryStore(freshStore());
    await history.save(entry('old', '2024-05-01T10:00:00.000Z'));
    await history.save(entry('new', '2024-05-03T10:00:00.000Z', 1));
    await history.save(entry('middle', '2024-05-02T10:00:00.000Z'));

    const records = await history.list();
    expect(records.map((record) => record.id)).toEqual(['new', 'middle', 'old']);
    expect(records[0].outputs).toEqual([{ width: 64, height: 32, bytes: 'PNG-new-0'.length, type: 'image/png' }]);
    expect(records[2].bytes).toBe('PNG-old-0'.length + 'PNG-old-1'.length);
    expect(records[2]).toMatchObject({ mode: 'text-to-image', noiseDevice: 'cpu' });
    expect(await blobText(await history.getOutput('old', 1))).toBe('PNG-old-1');
    expect(await history.getOutput('old', 2)).toBeUndefined();
  });

  it('keeps records small: no output URLs and no inline input images, which are blobs instead', async () => {
    const history = new HistoryStore(freshStore());
    const img2img: HistoryEntry = {
      prediction: prediction('i2i', '2024-05-01T10:00:00.000Z', {
        input: { prompt: 'p', image: 'data:image/png;base64,AAAA', mask: 'data:image/png;base64,BBBB', prompt_strength: 0.6 },
      }),
      mode: 'inpainting',
      maskBlur: 4,
      outputs: [{ blob: png('out'), width: 64, height: 64 }],
      inputImage: { blob: png('input'), width: 64, height: 64 },
      inputMask: { blob: png('mask'), width: 64, height: 64 },
    };
    const saved = await history.save(img2img);
    const [record] = await history.list();
    expect(record).toEqual(saved);
    expect(record.prediction.output).toBeNull();
    expect(record.prediction.input).toEqual({ prompt: 'p', prompt_strength: 0.6 });
    expect(record.inputImage).toEqual({ width: 64, height: 64, bytes: 'PNG-input'.length, type: 'image/png' });
    expect(record.maskBlur).toBe(4);
    expect(await blobText(await history.getInput('i2i', 'image'))).toBe('PNG-input');
    expect(await blobText(await history.getInput('i2i', 'mask'))).toBe('PNG-mask');
    // The caller's prediction is not modified.
    expect(img2img.prediction.input.image).toBe('data:image/png;base64,AAAA');
  });

  it('saves canceled and failed predictions as records without outputs', async () => {
    const history = new HistoryStore(freshStore());
    await history.save({ prediction: prediction('c', '2024-05-01T10:00:00.000Z', { status: 'canceled', output: null }), mode: 'text-to-image' });
    await history.save({
      prediction: prediction('f', '2024-05-02T10:00:00.000Z', { status: 'failed', output: null, error: 'out of memory' }),
      mode: 'text-to-image',
    });
    const records = await history.list();
    expect(records.map((record) => [record.id, record.prediction.status, record.outputs.length])).toEqual([
      ['f', 'failed', 0],
      ['c', 'canceled', 0],
    ]);
    expect(records[0].prediction.error).toBe('out of memory');
  });

  it('deletes a prediction with all of its blobs and leaves the others alone', async () => {
    const history = new HistoryStore(freshStore());
    await history.save({ ...entry('a', '2024-05-01T10:00:00.000Z'), inputImage: { blob: png('in'), width: 8, height: 8 } });
    await history.save(entry('b', '2024-05-02T10:00:00.000Z'));
    await history.delete('a');
    await history.delete('never-saved');
    expect((await history.list()).map((record) => record.id)).toEqual(['b']);
    expect(await history.get('a')).toBeUndefined();
    expect(await history.getOutput('a', 0)).toBeUndefined();
    expect(await history.getInput('a', 'image')).toBeUndefined();
    expect(await blobText(await history.getOutput('b', 1))).toBe('PNG-b-1');
  });

  it('replacing a prediction drops outputs the new save no longer has', async () => {
    const history = new HistoryStore(freshStore());
    await history.save(entry('a', '2024-05-01T10:00:00.000Z', 3));
    await history.save(entry('a', '2024-05-01T10:00:00.000Z', 1));
    expect((await history.get('a'))?.outputs).toHaveLength(1);
    expect(await history.getOutput('a', 2)).toBeUndefined();
  });

  it('a put that throws QuotaExceededError mid-save stores nothing of that save and keeps earlier ones', async () => {
    const base = freshStore();
    await new HistoryStore(base).save(entry('kept', '2024-05-01T10:00:00.000Z'));
    // The second blob write fails, after the first one was already queued in the transaction.
    const history = new HistoryStore(
      faultyStore(base, {
        throwOnPut: (key) =>
          JSON.stringify(key) === '["blob","new","output",1]' ? new DOMException('The quota has been exceeded.', 'QuotaExceededError') : undefined,
      }),
    );
    const failure = await history.save(entry('new', '2024-05-02T10:00:00.000Z')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HistoryStorageError);
    expect(failure).toMatchObject({ code: 'quota_exceeded', neededBytes: expect.any(Number) });
    expect((failure as Error).message).toMatch(/^Not enough storage to save this prediction \(\d+\.\d MB needed\); delete older results/);

    const intact = new HistoryStore(base);
    expect((await intact.list()).map((record) => record.id)).toEqual(['kept']);
    expect(await intact.getOutput('new', 0)).toBeUndefined();
    expect(await blobText(await intact.getOutput('kept', 0))).toBe('PNG-kept-0');
  });

  it('a transaction aborted with QuotaExceededError at commit stores nothing of that save', async () => {
    const base = freshStore();
    await new HistoryStore(base).save(entry('kept', '2024-05-01T10:00:00.000Z'));
    const history = new HistoryStore(faultyStore(base, { abortWith: new DOMException('Quota exceeded.', 'QuotaExceededError') }));
    await expect(history.save(entry('new', '2024-05-02T10:00:00.000Z'))).rejects.toMatchObject({ code: 'quota_exceeded' });

    const intact = new HistoryStore(base);
    expect((await intact.list()).map((record) => record.id)).toEqual(['kept']);
    expect(await intact.getOutput('new', 0)).toBeUndefined();
  });

  it('reports other failures as storage_failed with the cause', async () => {
    const base = freshStore();
    const cause = new DOMException('Cannot clone.', 'DataCloneError');
    const history = new HistoryStore(faultyStore(base, { throwOnPut: () => cause }));
    const failure = await history.save(entry('x', '2024-05-02T10:00:00.000Z')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'HistoryStorageError', code: 'storage_failed', cause });
    expect((failure as Error).message).toContain('DataCloneError: Cannot clone.');
    expect(await new HistoryStore(base).list()).toEqual([]);
  });

  it('estimates usage from its records and navigator.storage when the browser has it', async () => {
    const history = new HistoryStore(freshStore());
    await history.save(entry('a', '2024-05-01T10:00:00.000Z'));
    const historyBytes = 'PNG-a-0'.length + 'PNG-a-1'.length;
    vi.stubGlobal('navigator', undefined);
    expect(await history.estimateUsage()).toEqual({ historyBytes });
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 5_000, quota: 80_000 }) } });
    expect(await history.estimateUsage()).toEqual({ historyBytes, usage: 5_000, quota: 80_000 });
  });
});

describe('isQuotaError', () => {
  it('finds QuotaExceededError by name, also wrapped in a cause or an error property', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('write failed', { cause: quota }))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', error: quota })).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new DOMException('nope', 'AbortError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
