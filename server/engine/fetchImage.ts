// Downloads an input image given as an http(s) URL, bounded in bytes and time, for the engine worker. The bytes'
// own signature decides the format later; the Content-Type is not trusted.

export class ImageFetchError extends Error {
  readonly code = 'image_fetch_failed';
  constructor(message: string) {
    super(message);
    this.name = 'ImageFetchError';
  }
}

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
}

export async function fetchImageBytes(field: string, url: string, limits: FetchLimits, signal?: AbortSignal): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const where = new URL(url).origin;
  let response: Response;
  try {
    response = await fetch(url, { signal: combined, redirect: 'follow' });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const why = timeout.aborted ? `no answer within ${limits.timeoutMs / 1000} s` : (error as Error).message;
    throw new ImageFetchError(`${field}: could not download the image from ${where} (${why})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ImageFetchError(`${field}: expected the image URL to answer 200, got ${response.status} from ${where}`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new ImageFetchError(`${field}: expected an image of at most ${limits.maxBytes} bytes, got ${declared} bytes from ${where}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = read.value;
      total += chunk.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel();
        throw new ImageFetchError(`${field}: expected an image of at most ${limits.maxBytes} bytes, got more from ${where}`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ImageFetchError) throw error;
    if (signal?.aborted) throw signal.reason;
    throw new ImageFetchError(`${field}: the download from ${where} broke off (${(error as Error).message})`);
  }
  return Buffer.concat(chunks);
}
