// The downloader against a real HTTP server with Range support and injected faults (test/support/modelFileServer),
// storing into fake-indexeddb: resume from where the stored bytes end, a server ignoring Range, retries, integrity,
// pause, repair of damaged chunks by Range, and a full store — each checked in the server's request log too.
import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startModelFileServer, type ModelFileServer } from '../../test/support/modelFileServer';
import { freshWeightStore } from '../../test/weightStoreKit';
import { downloadModel, type DownloadProgress } from './downloadModel';
import type { ModelManifest } from './modelManifest';
import { readStoredFile } from './readStoredFile';
import { WeightStoreError } from './weightStore';

const CHUNK = 64 * 1024;
const BIG = new Uint8Array(randomBytes(300_000));
const SMALL = new Uint8Array(randomBytes(5_000));
const instant = () => Promise.resolve();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let root: string;
let server: ModelFileServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'download-model-'));
  await mkdir(join(root, 'm', 'unet'), { recursive: true });
  await writeFile(join(root, 'm', 'unet', 'model.onnx'), BIG);
  await writeFile(join(root, 'm', 'model_index.json'), SMALL);
  server = await startModelFileServer({ root });
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  server.clearFaults();
  server.clearLog();
});

function manifest(overrides: Partial<ModelManifest> = {}): ModelManifest {
  return {
    id: 'm',
    name: 'Test model',
    origin: 'test',
    modes: ['text-to-image'],
    files: [
      { path: 'unet/model.onnx', size: BIG.length, sha256: sha256(BIG), url: `${server.url}/m/unet/model.onnx` },
      { path: 'model_index.json', size: SMALL.length, sha256: sha256(SMALL), url: `${server.url}/m/model_index.json` },
    ],
    ...overrides,
  };
}

const unetRequests = () => server.log.filter((entry) => entry.path === '/m/unet/model.onnx' && entry.method === 'GET');
const options = (extra: Partial<Parameters<typeof downloadModel>[2]> = {}) => ({ signal: new AbortController().signal, chunkBytes: CHUNK, sleep: instant, ...extra });

async function expectStored(store: ReturnType<typeof freshWeightStore>) {
  expect(Buffer.from(await readStoredFile(store, 'm', 'unet/model.onnx')).equals(Buffer.from(BIG))).toBe(true);
  expect(Buffer.from(await readStoredFile(store, 'm', 'model_index.json')).equals(Buffer.from(SMALL))).toBe(true);
}

describe('downloadModel', () => {
  it('downloads and verifies every file, reporting progress up to the total', async () => {
    const store = freshWeightStore();
    const reports: DownloadProgress[] = [];
    await downloadModel(store, manifest(), options({ onProgress: (p) => reports.push(p) }));
    await expectStored(store);
    expect(reports.at(-1)).toMatchObject({ received: BIG.length + SMALL.length, total: BIG.length + SMALL.length });
    expect(reports.at(-1)!.files.every((file) => file.complete)).toBe(true);
  });

  it('after a cut, resumes with a Range request starting where the stored bytes end', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { cutAt: 150_000 });
    await downloadModel(store, manifest(), options());
    await expectStored(store);
    const [first, second] = unetRequests();
    expect(first.range).toBeUndefined();
    expect(first.bytesSent).toBe(150_000);
    // Everything that arrived before the cut was stored, so the resumed request re-fetches none of it.
    expect(second).toMatchObject({ range: 'bytes=150000-', status: 206, start: 150_000 });
    expect(unetRequests()).toHaveLength(2);
  });

  it('starts the file over when the server ignores Range on the resumed request (200, the whole file)', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { cutAt: 100_000, ignoreRange: true });
    await downloadModel(store, manifest(), options());
    await expectStored(store);
    const requests = unetRequests();
    expect(requests[1]).toMatchObject({ range: 'bytes=100000-', status: 200 });
  });

  it('retries a 503 and carries on', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { status503: 2 });
    await downloadModel(store, manifest(), options());
    await expectStored(store);
    expect(unetRequests().map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after the retries with what arrived stored, so a later run resumes', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { status503: 100 });
    await expect(downloadModel(store, manifest(), options({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }))).rejects.toMatchObject({ code: 'network' });
    server.clearFaults();
    await downloadModel(store, manifest(), options());
    await expectStored(store);
  });

  it('detects a wrong byte: the file fails its SHA-256 check and is not marked complete', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { wrongByteAt: 12_345 });
    const failure = await downloadModel(store, manifest(), options()).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'integrity_failed', path: 'unet/model.onnx' });
    expect((failure as Error).message).toContain('failed its SHA-256 integrity check');
    const record = await store.getFile('m', 'unet/model.onnx');
    expect(record?.complete).toBe(false);
    await expect(readStoredFile(store, 'm', 'unet/model.onnx')).rejects.toMatchObject({ code: 'weights_missing' });
  });

  it('pauses with what arrived stored, and resumes from there', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { bytesPerSecond: 400_000 });
    const controller = new AbortController();
    const running = downloadModel(store, manifest(), options({ signal: controller.signal, concurrency: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort(new Error('paused'));
    await expect(running).rejects.toThrow('paused');
    const stored = (await store.getFile('m', 'unet/model.onnx'))!;
    const storedBytes = stored.chunks.reduce((sum, chunk) => sum + chunk.size, 0);
    expect(storedBytes).toBeGreaterThan(0);
    expect(storedBytes).toBeLessThan(BIG.length);
    server.clearFaults();
    await downloadModel(store, manifest(), options());
    await expectStored(store);
    expect(unetRequests().at(-1)).toMatchObject({ range: `bytes=${storedBytes}-`, start: storedBytes });
  });

  it('fetches a chunk found damaged on load again with a Range request for just its bytes', async () => {
    const store = freshWeightStore();
    await downloadModel(store, manifest(), options());
    const record = (await store.getFile('m', 'unet/model.onnx'))!;
    const garbage = new Uint8Array(record.chunks[2].size).fill(7);
    await store.putChunk(record, 2, new Blob([garbage]));
    await expect(readStoredFile(store, 'm', 'unet/model.onnx')).rejects.toMatchObject({ code: 'weights_damaged' });
    server.clearLog();

    await downloadModel(store, manifest(), options());
    await expectStored(store);
    const { offset, size } = record.chunks[2];
    expect(unetRequests()).toEqual([expect.objectContaining({ range: `bytes=${offset}-${offset + size - 1}`, status: 206, bytesSent: size })]);
  });

  it('stops on a full store with a quota error, keeping other models and what this one stored', async () => {
    const store = freshWeightStore();
    await downloadModel(store, manifest({ id: 'other' }), options());
    const putChunk = store.putChunk.bind(store);
    let stored = 0;
    store.putChunk = async (file, index, bytes) => {
      if (file.modelId === 'm' && ++stored > 2) throw new WeightStoreError('quota_exceeded', "The browser's storage is full");
      return putChunk(file, index, bytes);
    };
    await expect(downloadModel(store, manifest(), options({ concurrency: 1 }))).rejects.toMatchObject({ code: 'quota_exceeded' });
    expect(Buffer.from(await readStoredFile(store, 'other', 'unet/model.onnx')).equals(Buffer.from(BIG))).toBe(true);
    store.putChunk = putChunk;
    server.clearLog();
    await downloadModel(store, manifest(), options());
    await expectStored(store);
    expect(unetRequests()[0].range).toMatch(/^bytes=\d+-$/);
  });
});

describe('downloadModel on a slow connection', () => {
  it('stores what arrived every couple of seconds, not only every chunk', async () => {
    const store = freshWeightStore();
    server.setFault('/m/unet/model.onnx', { bytesPerSecond: 60_000 });
    const controller = new AbortController();
    const running = downloadModel(store, manifest(), { signal: controller.signal, sleep: instant }); // 4 MiB chunks
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const record = (await store.getFile('m', 'unet/model.onnx'))!;
    controller.abort(new Error('stop'));
    await running.catch(() => undefined);
    // About 2 s of a 60 kB/s transfer was stored although no 4 MiB chunk filled up.
    expect(record.chunks.length).toBeGreaterThan(0);
    expect(record.chunks[0].size).toBeLessThan(300_000);
  });
});
