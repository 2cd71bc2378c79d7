// Downloads a model's files into the weight store, a few at a time, with progress (bytes, speed, time left) per
// file and overall. Stopping it (pause, cancel, a failure) keeps what arrived; running it again continues from the
// store. Chunks found damaged on load are fetched again alone, with a Range request for just their bytes.
import { downloadFile, DownloadError, fetchChunk, type RetryPolicy } from './downloadFile';
import type { ManifestFile, ModelManifest } from './modelManifest';
import { CHUNK_BYTES, IntegrityError, sha256Hex, StoredFileWriter } from './storedFileWriter';
import { storedBytes, type StoredFile, type WeightStore } from './weightStore';

export interface FileProgress {
  path: string;
  size: number;
  received: number;
  complete: boolean;
}

export interface DownloadProgress {
  received: number;
  total: number;
  files: FileProgress[];
  /** Over the last few seconds; 0 until bytes arrive. */
  bytesPerSecond: number;
  /** At the current speed; undefined while the speed is unknown. */
  secondsLeft?: number;
}

export interface DownloadModelOptions {
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** Files downloaded at once. */
  concurrency?: number;
  chunkBytes?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onProgress?(progress: DownloadProgress): void;
  now?: () => number;
}

const SPEED_WINDOW_MS = 5000;
const PROGRESS_EVERY_MS = 100;

/** Bytes per second over a sliding window of recent arrivals. */
export class SpeedMeter {
  private samples: Array<{ at: number; bytes: number }> = [];
  constructor(private readonly now: () => number = () => performance.now()) {}
  add(bytes: number): void {
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 1 && at - this.samples[0].at > SPEED_WINDOW_MS) this.samples.shift();
  }
  bytesPerSecond(): number {
    if (this.samples.length < 2) return 0;
    const span = (this.now() - this.samples[0].at) / 1000;
    const bytes = this.samples.slice(1).reduce((sum, sample) => sum + sample.bytes, 0);
    return span > 0 ? bytes / span : 0;
  }
}

/** The file's record, started over when the manifest now says something else about it (size or hash). */
function recordFor(modelId: string, file: ManifestFile, stored: StoredFile | undefined): StoredFile {
  if (stored && stored.size === file.size && (stored.sha256 ?? '') === (file.sha256 ?? '')) return stored;
  return { modelId, path: file.path, size: file.size, sha256: file.sha256, chunks: [], complete: false };
}

/** Records the model and its files in the store (keeping bytes already stored) and returns the file records. */
export async function registerModel(store: WeightStore, manifest: ModelManifest): Promise<StoredFile[]> {
  const existing = new Map((await store.listFiles(manifest.id)).map((file) => [file.path, file]));
  const files = manifest.files.map((file) => recordFor(manifest.id, file, existing.get(file.path)));
  const changed = files.filter((file) => file !== existing.get(file.path));
  for (const file of changed) if (existing.get(file.path)?.chunks.length) await store.resetFile(existing.get(file.path)!);
  const previous = await store.getModel(manifest.id);
  await store.putModel({ manifest, addedAt: previous?.addedAt ?? new Date().toISOString() }, changed);
  return files;
}

/** Runs `tasks` with at most `limit` at once; the first failure stops the rest from starting and is rethrown. */
async function runPool(tasks: Array<() => Promise<void>>, limit: number, stopAll: () => void): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++];
      try {
        await task();
      } catch (error) {
        failure ??= { error };
        stopAll();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  if (failure) throw failure.error;
}

/**
 * Makes every file of `manifest` complete in the store. Resolves when all are verified; rejects with the first
 * failure (IntegrityError, DownloadError, WeightStoreError) or the abort reason, with everything received stored.
 */
export async function downloadModel(store: WeightStore, manifest: ModelManifest, options: DownloadModelOptions): Promise<void> {
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? (() => performance.now());
  const files = await registerModel(store, manifest);
  const urls = new Map(manifest.files.map((file) => [file.path, file.url]));
  const progress = new Map(files.map((file) => [file.path, { path: file.path, size: file.size, received: storedBytes(file), complete: file.complete && !file.damaged?.length }]));
  const meter = new SpeedMeter(now);
  let lastReport = -Infinity;
  const report = (force = false) => {
    if (!options.onProgress || (!force && now() - lastReport < PROGRESS_EVERY_MS)) return;
    lastReport = now();
    const list = [...progress.values()].map((file) => ({ ...file }));
    const received = list.reduce((sum, file) => sum + file.received, 0);
    const total = list.reduce((sum, file) => sum + file.size, 0);
    const bytesPerSecond = meter.bytesPerSecond();
    options.onProgress({ received, total, files: list, bytesPerSecond, secondsLeft: bytesPerSecond > 0 ? (total - received) / bytesPerSecond : undefined });
  };
  report(true);

  // Siblings stop together: one failed file makes the model unusable, and its error is the one to show.
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', stop, { once: true });
  const signal = AbortSignal.any([options.signal, controller.signal]);

  const tasks = files
    .filter((file) => !file.complete || file.damaged?.length)
    .map((file) => async () => {
      const url = urls.get(file.path);
      if (!url) throw new DownloadError('not_found', `${file.path}: not stored and there is nowhere to download it from (import the folder again)`);
      const entry = progress.get(file.path)!;
      const onBytes = (count: number) => {
        meter.add(count);
        report();
      };
      if (file.complete && file.damaged?.length) {
        await repairChunks(store, file, url, { fetch: fetchImpl, signal, onBytes, retry: options.retry, sleep: options.sleep });
      } else {
        const writer = await StoredFileWriter.open(store, file, options.chunkBytes ?? CHUNK_BYTES);
        const track = (count: number) => {
          entry.received = writer.receivedBytes;
          onBytes(count);
        };
        await downloadFile(url, writer, {
          fetch: fetchImpl,
          signal,
          onBytes: track,
          onRestart: () => (entry.received = 0),
          retry: options.retry,
          sleep: options.sleep,
        });
      }
      entry.received = entry.size;
      entry.complete = true;
      report(true);
    });
  try {
    await runPool(tasks, options.concurrency ?? 2, stop);
  } finally {
    options.signal.removeEventListener('abort', stop);
    report(true);
  }
}

/** Fetches a complete file's damaged chunks again, each checked against the SHA-256 it had when first stored. */
async function repairChunks(
  store: WeightStore,
  file: StoredFile,
  url: string,
  options: { fetch: typeof fetch; signal: AbortSignal; onBytes(count: number): void; retry?: RetryPolicy; sleep?: DownloadModelOptions['sleep'] },
): Promise<void> {
  let record = file;
  for (const index of file.damaged ?? []) {
    const chunk = file.chunks[index];
    const bytes = await fetchChunk(url, chunk.offset, chunk.size, options);
    options.onBytes(bytes.length);
    const digest = await sha256Hex(bytes);
    if (digest !== chunk.sha256) {
      throw new IntegrityError('integrity_failed', file.path, `${file.path} failed its SHA-256 integrity check: bytes ${chunk.offset}–${chunk.offset + chunk.size - 1} fetched again differ from the verified copy (expected ${chunk.sha256}, got ${digest})`);
    }
    record = { ...record, damaged: record.damaged?.filter((i) => i !== index) };
    if (record.damaged?.length === 0) record.damaged = undefined;
    await store.putChunk(record, index, new Blob([bytes]));
  }
}
