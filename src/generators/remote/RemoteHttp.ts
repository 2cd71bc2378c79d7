// Every request the remote clients make: built from the configured base URL, with a timeout each
// (AbortController), retries on 429/5xx/network errors by policy, and the credentials sent only to the base URL's
// origin — never to output hosts, never in a URL. Error answers become RemoteErrors; a non-JSON body never throws.
import { JobStopped, sleepUnlessStopped } from './jobStop';
import type { ResolvedRemoteConfig } from './remoteConfig';
import { errorFromResponse } from './responseError';
import { RemoteError } from './RemoteError';
import { backoffMs, parseRetryAfter } from './retryDelay';

/**
 * `read`: GETs and other requests that change nothing (retried on 429, 5xx and network errors).
 * `create`: retried only on 429, which means the server did not accept it; after a 5xx or a lost connection the
 * server may have created the prediction, and a second POST would run (and bill) it twice.
 * `none`: never retried.
 */
export type RetryPolicy = 'read' | 'create' | 'none';

/** How many times a request is retried at most (so 5 attempts). */
export const MAX_RETRIES = 4;

export interface ApiRequest {
  method: 'GET' | 'POST';
  /** Appended to the base URL: '/v1/predictions'. */
  path: string;
  json?: unknown;
  headers?: Record<string, string>;
  retry: RetryPolicy;
  /** The job's stop signal: aborts the request, and any wait before a retry, by throwing its JobStopped. */
  signal?: AbortSignal;
  /**
   * The stop signal then interrupts only the waits between retries, not a request in flight: a create whose answer
   * carries the id we need to cancel the prediction it started.
   */
  keepInFlight?: boolean;
  /** Defaults to timing.requestMs. */
  timeoutMs?: number;
  /** No retry is waited for past this time (epoch ms): the answer in hand is returned instead. */
  deadline?: number;
}

export interface ApiAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is not JSON (an HTML error page). */
  body: unknown;
  text: string;
}

interface Attempt<T> {
  url: string;
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal;
  keepInFlight?: boolean;
  read(response: Response): Promise<T>;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Node's fetch says "fetch failed" and puts the reason (ECONNREFUSED, ...) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${error.message} (${reason})` : error.message;
}

export class RemoteHttp {
  private readonly secrets: string[];

  /** `authorization` is the Authorization header value for requests to the base URL's origin, if any. */
  constructor(private readonly config: ResolvedRemoteConfig, private readonly authorization?: string, secrets: string[] = []) {
    // Longest first, so a secret containing another is replaced whole. Very short ones would blank ordinary text.
    this.secrets = [...secrets, ...(authorization ? [authorization] : [])].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  /** Replaces every credential in `text` (a remote's echo in an error or a log must not carry it onward). */
  redact(text: string): string {
    return this.secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  }

  /** The request's answer whatever its status (after the retries its policy allows). */
  async send(request: ApiRequest): Promise<ApiAnswer> {
    const url = `${this.config.baseUrl}${request.path}`;
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders(url), ...request.headers };
    if (request.json !== undefined) headers['Content-Type'] = 'application/json';
    // No redirects for API calls: a 307/308 to another origin would carry the credentials (the v3 key is in the body)
    // somewhere the user never configured.
    const init: RequestInit = { method: request.method, headers, body: request.json === undefined ? undefined : JSON.stringify(request.json), redirect: 'error' };
    const attempt: Attempt<ApiAnswer> = {
      url,
      init,
      timeoutMs: request.timeoutMs ?? this.config.timing.requestMs,
      signal: request.signal,
      keepInFlight: request.keepInFlight,
      read: async (response) => {
        const text = await response.text();
        return { status: response.status, statusText: response.statusText, headers: response.headers, body: parseJson(text), text };
      },
    };
    return this.withRetries(attempt, request.retry, request.deadline);
  }

  /** The JSON body of a 2xx answer; any other answer throws the RemoteError it means. `what` names the request. */
  async json(request: ApiRequest, what: string): Promise<unknown> {
    const answer = await this.send(request);
    if (answer.status < 200 || answer.status > 299) throw errorFromResponse(answer, what);
    if (answer.body === undefined) throw new RemoteError('server_error', `${what}: expected a JSON answer, got ${answer.text === '' ? 'an empty body' : 'something else'} (HTTP ${answer.status}).`);
    return answer.body;
  }

  /** Downloads an output file; the credentials go along only when it is served from the base URL's origin. */
  async fetchFile(url: string, signal?: AbortSignal, deadline?: number): Promise<Blob> {
    type FileAnswer = { status: number; statusText: string; headers: Headers; blob?: Blob; text: string };
    const attempt: Attempt<FileAnswer> = {
      url,
      init: { method: 'GET', headers: this.authHeaders(url) },
      timeoutMs: this.config.timing.requestMs,
      signal,
      read: async (response) => {
        const { status, statusText, headers } = response;
        if (response.ok) return { status, statusText, headers, blob: await response.blob(), text: '' };
        return { status, statusText, headers, text: await response.text() };
      },
    };
    const answer = await this.withRetries(attempt, 'read', deadline);
    if (answer.blob) return answer.blob;
    throw errorFromResponse({ ...answer, body: parseJson(answer.text) }, `Downloading the output ${new URL(url).pathname.split('/').pop()}`);
  }

  private authHeaders(url: string): Record<string, string> {
    if (!this.authorization) return {};
    return new URL(url).origin === this.config.baseOrigin ? { Authorization: this.authorization } : {};
  }

  private async withRetries<T extends { status: number; headers: Headers }>(
    attempt: Attempt<T>,
    policy: RetryPolicy,
    deadline: number | undefined,
  ): Promise<T> {
    const { pollMs, maxPollMs } = this.config.timing;
    for (let retry = 0; ; retry++) {
      let answer: T | undefined;
      let failure: RemoteError | undefined;
      try {
        answer = await this.attemptOnce(attempt);
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        failure = error;
      }
      const status = answer?.status ?? 0;
      const retryable = failure ? policy === 'read' : status === 429 ? policy !== 'none' : status >= 500 && policy === 'read';
      if (!retryable || retry >= MAX_RETRIES) {
        if (failure) throw failure;
        return answer!;
      }
      const wait = parseRetryAfter(answer?.headers.get('retry-after')) ?? backoffMs(retry, pollMs, maxPollMs);
      if (deadline !== undefined && Date.now() + wait > deadline) {
        if (failure) throw failure;
        return answer!;
      }
      await sleepUnlessStopped(wait, attempt.signal);
      if (attempt.signal?.aborted) throw stopOf(attempt.signal);
    }
  }

  private async attemptOnce<T>({ url, init, timeoutMs, signal: stopSignal, keepInFlight, read }: Attempt<T>): Promise<T> {
    if (stopSignal?.aborted) throw stopOf(stopSignal);
    const signal = keepInFlight ? undefined : stopSignal;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onStop = () => controller.abort();
    signal?.addEventListener('abort', onStop, { once: true });
    try {
      const response = await this.config.fetch(url, { ...init, signal: controller.signal });
      // The body is read inside the timeout too: a server can stall after the headers.
      return await read(response);
    } catch (error) {
      if (signal?.aborted) throw stopOf(signal);
      const origin = new URL(url).origin;
      if (timedOut) throw new RemoteError('network', `No answer from ${origin} within ${Math.round(timeoutMs / 100) / 10} s (${init.method} ${new URL(url).pathname}).`);
      throw new RemoteError('network', `Could not reach ${origin}: ${describeFetchError(error)}.`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onStop);
    }
  }
}

function stopOf(signal: AbortSignal): JobStopped {
  return signal.reason instanceof JobStopped ? signal.reason : new JobStopped('canceled');
}
