// Downloads one file into the weight store: streams the body into a StoredFileWriter, resumes with an HTTP Range
// request from where the stored bytes end (after a cut, a pause or a reload), starts over when the server ignores
// Range, and retries network errors, 429 and 5xx with exponential backoff; anything else fails with a clear error.
import { formatBytes } from './modelManifest';
import type { StoredFileWriter } from './storedFileWriter';
import type { StoredFile } from './weightStore';

export interface RetryPolicy {
  /** Failures in a row (without new bytes between them) before giving up. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 15_000 };

export type DownloadErrorCode = 'http_error' | 'network' | 'not_found';

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

export interface DownloadFileOptions {
  fetch: typeof fetch;
  signal: AbortSignal;
  /** New bytes accepted (for progress and speed). */
  onBytes(count: number): void;
  /** Bytes counted before were dropped (the server ignored Range, so the file starts over). */
  onRestart?(): void;
  retry?: RetryPolicy;
  /** Waits `ms` (tests make it instant); rejects when the signal aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A failure worth trying again: the connection failed or the server was busy (429, 5xx). */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const abortError = (signal: AbortSignal) =>
  signal.reason instanceof Error ? signal.reason : new DOMException('The download was stopped.', 'AbortError');

export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The first byte a 206 answer carries, from `Content-Range: bytes START-END/TOTAL`. */
export function contentRangeStart(value: string | null): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

export function backoffDelay(failures: number, policy: RetryPolicy, random = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  // Full jitter on the upper half, so many clients retrying together spread out.
  return exponential / 2 + random() * (exponential / 2);
}

async function fetchFrom(url: string, start: number, options: DownloadFileOptions): Promise<Response> {
  let response: Response;
  try {
    response = await options.fetch(url, { headers: start > 0 ? { Range: `bytes=${start}-` } : {}, signal: options.signal, cache: 'no-store' });
  } catch (error) {
    if (options.signal.aborted) throw abortError(options.signal);
    throw new Retryable(`the connection failed (${(error as Error).message})`);
  }
  if (response.status === 429 || response.status >= 500) {
    void response.body?.cancel().catch(() => undefined);
    throw new Retryable(`the server answered ${response.status}`, parseRetryAfter(response.headers.get('Retry-After')));
  }
  return response;
}

/**
 * Receives the rest of `writer`'s file from `url` and checks it. Resolves with the complete record; rejects with
 * an IntegrityError, a DownloadError, a WeightStoreError or the signal's abort reason. Bytes that arrived before a
 * failure or an abort are stored first.
 */
export async function downloadFile(url: string, writer: StoredFileWriter, options: DownloadFileOptions): Promise<StoredFile> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? sleepFor;
  const { path, size } = writer.record;
  let failures = 0;
  for (;;) {
    const start = writer.storedBytes;
    if (start === size) return writer.finish();
    const before = writer.receivedBytes;
    try {
      const response = await fetchFrom(url, start, options);
      if (response.status === 404 || response.status === 410) throw new DownloadError('not_found', `${path}: not found at ${url} (${response.status})`);
      if (response.status === 416 && start > 0) {
        // The server no longer has our bytes' continuation (the file changed): take it again from the start.
        await writer.restart();
        options.onRestart?.();
        continue;
      }
      if (!response.ok || !response.body) throw new DownloadError('http_error', `${path}: the server answered ${response.status} ${response.statusText}`.trim());
      if (start > 0 && (response.status !== 206 || contentRangeStart(response.headers.get('Content-Range')) !== start)) {
        // A server that ignores Range answers 200 with the whole file: keep it, but from byte 0.
        await writer.restart();
        options.onRestart?.();
      }
      await receiveBody(response.body, writer, options);
      if (writer.receivedBytes < size) throw new Retryable(`the connection closed after ${formatBytes(writer.receivedBytes)} of ${formatBytes(size)}`);
      return await writer.finish();
    } catch (error) {
      if (options.signal.aborted) {
        await writer.flush().catch(() => undefined);
        throw abortError(options.signal);
      }
      if (!(error instanceof Retryable)) throw error;
      await writer.flush();
      // A connection that keeps failing but brings new bytes each time is slow, not dead.
      failures = writer.receivedBytes > before ? 1 : failures + 1;
      if (failures > policy.attempts) {
        throw new DownloadError('network', `${path}: the download failed ${failures} times in a row (${error.message}); ${formatBytes(writer.storedBytes)} are stored and the download can resume`);
      }
      await sleep(error.retryAfterMs ?? backoffDelay(failures, policy), options.signal);
    }
  }
}

/** Bytes read off the connection but not yet handed to the writer, at most (a bound on memory while IndexedDB writes). */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/**
 * On a slow connection 4 MiB takes long to arrive: store what has arrived at least this often too, so a reload or
 * a crash (which leave no chance to store anything) loses at most these seconds of transfer.
 */
export const FLUSH_EVERY_MS = 2000;

/**
 * Pumps the body into the writer. Reading goes on while the store writes: a stream that errors (a cut connection)
 * discards the chunks still queued in it, so reading them promptly is what keeps a cut from losing bytes.
 */
async function receiveBody(body: ReadableStream<Uint8Array>, writer: StoredFileWriter, options: DownloadFileOptions): Promise<void> {
  const reader = body.getReader();
  let writing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  let queued = 0;
  let lastFlush = performance.now();
  let stored = writer.storedBytes;
  try {
    for (;;) {
      if (failure) throw failure.error;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        await writing;
        if (options.signal.aborted) throw abortError(options.signal);
        throw new Retryable(`the connection was cut (${(error as Error).message})`);
      }
      if (result.done) {
        await writing;
        return;
      }
      const value = result.value;
      queued += value.length;
      writing = writing.then(async () => {
        await writer.append(value);
        queued -= value.length;
        if (writer.storedBytes === stored && writer.receivedBytes > stored && performance.now() - lastFlush > FLUSH_EVERY_MS) await writer.flush();
        if (writer.storedBytes !== stored) {
          stored = writer.storedBytes;
          lastFlush = performance.now();
        }
        options.onBytes(value.length);
      });
      writing.catch((error: unknown) => (failure ??= { error }));
      if (queued > MAX_QUEUED_BYTES) await writing;
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    await writing.catch(() => undefined);
    throw error;
  }
}

/**
 * Bytes `offset`..`offset + size - 1` of the file at `url`, by a Range request (retried like a download). A server
 * that ignores Range sends the whole file: the wanted bytes are cut out of it as they stream past.
 */
export async function fetchChunk(
  url: string,
  offset: number,
  size: number,
  options: Pick<DownloadFileOptions, 'fetch' | 'signal' | 'retry' | 'sleep'>,
): Promise<Uint8Array<ArrayBuffer>> {
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? sleepFor;
  for (let failures = 1; ; failures++) {
    try {
      let response: Response;
      try {
        response = await options.fetch(url, { headers: { Range: `bytes=${offset}-${offset + size - 1}` }, signal: options.signal, cache: 'no-store' });
      } catch (error) {
        if (options.signal.aborted) throw abortError(options.signal);
        throw new Retryable(`the connection failed (${(error as Error).message})`);
      }
      if (response.status === 429 || response.status >= 500) throw new Retryable(`the server answered ${response.status}`, parseRetryAfter(response.headers.get('Retry-After')));
      if (!response.ok || !response.body) throw new DownloadError(response.status === 404 ? 'not_found' : 'http_error', `${url}: the server answered ${response.status}`);
      const skip = response.status === 206 ? offset - (contentRangeStart(response.headers.get('Content-Range')) ?? offset) : offset;
      return await sliceOfStream(response.body, skip, size, options.signal);
    } catch (error) {
      if (options.signal.aborted) throw abortError(options.signal);
      if (!(error instanceof Retryable) || failures > policy.attempts) throw error;
      await sleep(error.retryAfterMs ?? backoffDelay(failures, policy), options.signal);
    }
  }
}

async function sliceOfStream(body: ReadableStream<Uint8Array>, skip: number, size: number, signal: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(size);
  let filled = 0;
  let position = 0;
  const reader = body.getReader();
  try {
    while (filled < size) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        throw new Retryable(`the connection was cut (${(error as Error).message})`);
      }
      if (result.done) throw new Retryable(`the connection closed after ${filled} of ${size} bytes`);
      const part = result.value;
      const from = Math.max(0, skip - position);
      const take = Math.min(part.length - from, size - filled);
      if (take > 0) {
        out.set(part.subarray(from, from + take), filled);
        filled += take;
      }
      position += part.length;
    }
    return out;
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}
