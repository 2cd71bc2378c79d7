// Chunk bookkeeping and the hash path of the weight store's writer, against node:crypto's SHA-256 and
// fake-indexeddb (an in-memory IndexedDB that follows the spec).
import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStoredFile, StoredWeightsError } from './readStoredFile';
import { IntegrityError, StoredFileWriter } from './storedFileWriter';
import { freshWeightStore } from '../../test/weightStoreKit';
import { WeightStoreError, type StoredFile, type WeightStore } from './weightStore';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const emptyFile = (path: string, bytes: Uint8Array, sha?: string | null): StoredFile => ({
  modelId: 'm',
  path,
  size: bytes.length,
  sha256: sha === null ? undefined : (sha ?? sha256(bytes)),
  chunks: [],
  complete: false,
});

async function register(store: WeightStore, file: StoredFile) {
  await store.putModel({ manifest: { id: 'm', name: 'M', files: [{ path: file.path, size: file.size, sha256: file.sha256 }], origin: 'test', modes: [] }, addedAt: '' }, [file]);
}

describe('StoredFileWriter', () => {
  it('stores arrivals of any size as chunks of at most the chunk size, each with its own SHA-256, and verifies the file', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(10_000));
    const file = emptyFile('unet/model.onnx', bytes);
    await register(store, file);
    const writer = await StoredFileWriter.open(store, file, 4096);
    for (const [from, to] of [[0, 1], [1, 4000], [4000, 4100], [4100, 9999], [9999, 10_000]]) await writer.append(bytes.subarray(from, to));
    const done = await writer.finish();

    expect(done.complete).toBe(true);
    expect(done.chunks.map((c) => [c.offset, c.size])).toEqual([[0, 4096], [4096, 4096], [8192, 1808]]);
    for (const chunk of done.chunks) expect(chunk.sha256).toBe(sha256(bytes.subarray(chunk.offset, chunk.offset + chunk.size)));
    expect(Buffer.from(await readStoredFile(store, 'm', 'unet/model.onnx')).equals(Buffer.from(bytes))).toBe(true);
  });

  it('resumes after a reopen (as after a reload) from the hash state saved with the last chunk', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(9000));
    const file = emptyFile('text_encoder/model.onnx', bytes);
    await register(store, file);
    const first = await StoredFileWriter.open(store, file, 2048);
    await first.append(bytes.subarray(0, 5000));
    await first.flush(); // a cut connection: what arrived is stored, in a short chunk
    expect(first.storedBytes).toBe(5000);

    const record = (await store.getFile('m', 'text_encoder/model.onnx'))!;
    expect(record.chunks.map((c) => c.size)).toEqual([2048, 2048, 904]);
    const second = await StoredFileWriter.open(store, record, 2048);
    expect(second.storedBytes).toBe(5000);
    await second.append(bytes.subarray(5000));
    const done = await second.finish();
    expect(done.complete).toBe(true); // the whole-file SHA-256 matched, so the resumed hash state was right
  });

  it('refuses a file whose SHA-256 differs, discarding its bytes so nothing unverified stays', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(3000));
    const file = emptyFile('vae_decoder/model.onnx', bytes);
    await register(store, file);
    const writer = await StoredFileWriter.open(store, file, 1024);
    const corrupted = bytes.slice();
    corrupted[1500] ^= 0xff;
    await writer.append(corrupted);
    const failure = await writer.finish().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IntegrityError);
    expect((failure as IntegrityError).code).toBe('integrity_failed');
    expect((failure as Error).message).toContain('failed its SHA-256 integrity check');
    const record = (await store.getFile('m', 'vae_decoder/model.onnx'))!;
    expect(record).toMatchObject({ complete: false, chunks: [] });
    expect(await store.getChunk('m', 'vae_decoder/model.onnx', 0)).toBeUndefined();
  });

  it('checks the size of files without a known hash, and refuses bytes beyond it', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(100));
    const file = emptyFile('unet/config.json', bytes, null);
    await register(store, file);
    const short = await StoredFileWriter.open(store, file, 64);
    await short.append(bytes.subarray(0, 99));
    await expect(short.finish()).rejects.toMatchObject({ code: 'size_mismatch' });
    const long = await StoredFileWriter.open(store, (await store.getFile('m', 'unet/config.json'))!, 64);
    await expect(long.append(new Uint8Array(101))).rejects.toMatchObject({ code: 'size_mismatch' });
  });

  it('keeps the hash state of the last stored chunk when storing a chunk fails (the quota), so a retry continues correctly', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(3000));
    const file = emptyFile('unet/model.onnx', bytes);
    await register(store, file);
    let failNext = false;
    const putChunk = store.putChunk.bind(store);
    store.putChunk = async (...args) => {
      if (failNext) {
        failNext = false;
        throw new WeightStoreError('quota_exceeded', 'full');
      }
      return putChunk(...args);
    };
    const writer = await StoredFileWriter.open(store, file, 1000);
    await writer.append(bytes.subarray(0, 1000));
    failNext = true;
    await expect(writer.append(bytes.subarray(1000, 2000))).rejects.toBeInstanceOf(WeightStoreError);
    // The caller resumes from what is stored: a fresh writer on the stored record.
    const resumed = await StoredFileWriter.open(store, (await store.getFile('m', 'unet/model.onnx'))!, 1000);
    expect(resumed.storedBytes).toBe(1000);
    await resumed.append(bytes.subarray(1000));
    await expect(resumed.finish()).resolves.toMatchObject({ complete: true });
  });
});

describe('readStoredFile', () => {
  it('finds an altered or truncated chunk on load, records it as damaged and hands nothing over', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(randomBytes(5000));
    const file = emptyFile('unet/model.onnx', bytes);
    await register(store, file);
    const writer = await StoredFileWriter.open(store, file, 2000);
    await writer.append(bytes);
    const done = await writer.finish();

    const altered = bytes.slice(2000, 4000);
    altered[7] ^= 1;
    await store.putChunk(done, 1, new Blob([altered]));
    await store.putChunk(done, 2, new Blob([bytes.subarray(4000, 4500)])); // truncated
    const failure = await readStoredFile(store, 'm', 'unet/model.onnx').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoredWeightsError);
    expect(failure).toMatchObject({ code: 'weights_damaged', path: 'unet/model.onnx' });
    expect((await store.getFile('m', 'unet/model.onnx'))!.damaged).toEqual([1, 2]);
    // Until the damaged chunks are fetched again, the file is refused without reading it.
    await expect(readStoredFile(store, 'm', 'unet/model.onnx')).rejects.toMatchObject({ code: 'weights_damaged' });
  });

  it('refuses a file that is not completely stored', async () => {
    const store = freshWeightStore();
    const bytes = new Uint8Array(100);
    await register(store, emptyFile('unet/model.onnx', bytes));
    await expect(readStoredFile(store, 'm', 'unet/model.onnx')).rejects.toMatchObject({ code: 'weights_missing' });
  });
});
