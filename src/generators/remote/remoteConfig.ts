// What createRemoteGenerator is configured with (which API, where, the token, timings) and its checked, resolved
// form: defaults applied, the base URL normalised, the credentials turned into what each API sends.
import { RemoteError } from './RemoteError';

export type RemoteApiName = 'replicate' | 'stablediffusionapi' | 'automatic1111';

export interface RemoteTiming {
  /** First poll interval, and the first retry backoff (ms); default 1 s. */
  pollMs?: number;
  /** Longest poll interval and retry backoff (ms); default 5 s. */
  maxPollMs?: number;
  /** How long a job may take from submit to result before it is canceled remotely (ms); default 10 min. */
  deadlineMs?: number;
  /** How long any single request may take (ms); default 60 s. */
  requestMs?: number;
}

export interface RemoteGeneratorConfig {
  api: RemoteApiName;
  /** e.g. https://api.replicate.com, https://HOST/replicate, https://stablediffusionapi.com, http://127.0.0.1:7860 */
  baseUrl: string;
  /** Replicate: the API token; v3: the API key; AUTOMATIC1111: `user:password` when the WebUI runs with --api-auth. */
  token?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  timing?: RemoteTiming;
}

export type ResolvedTiming = Required<RemoteTiming>;

export const DEFAULT_TIMING: ResolvedTiming = { pollMs: 1000, maxPollMs: 5000, deadlineMs: 10 * 60_000, requestMs: 60_000 };

export interface ResolvedRemoteConfig {
  api: RemoteApiName;
  /** Without a trailing slash, so `${baseUrl}/v1/predictions` is always one slash. */
  baseUrl: string;
  baseOrigin: string;
  token?: string;
  fetch: typeof fetch;
  timing: ResolvedTiming;
}

const API_NAMES: readonly RemoteApiName[] = ['replicate', 'stablediffusionapi', 'automatic1111'];

function checkTiming(timing: RemoteTiming = {}): ResolvedTiming {
  const resolved = { ...DEFAULT_TIMING };
  for (const name of Object.keys(DEFAULT_TIMING) as (keyof ResolvedTiming)[]) {
    const value = timing[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RemoteError('invalid_config', `timing.${name}: expected a positive number of milliseconds, got ${String(value)}`);
    }
    resolved[name] = value;
  }
  if (resolved.maxPollMs < resolved.pollMs) resolved.maxPollMs = resolved.pollMs;
  return resolved;
}

function checkBaseUrl(baseUrl: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof baseUrl === 'string' ? new URL(baseUrl) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new RemoteError('invalid_config', `baseUrl: expected an http(s) URL such as https://api.replicate.com, got ${typeof baseUrl === 'string' ? JSON.stringify(baseUrl) : typeof baseUrl}`);
  }
  // Credentials in the URL would travel in every request line and log; a query would break `${base}/path`.
  if (url.username || url.password || url.search || url.hash) {
    throw new RemoteError('invalid_config', 'baseUrl: expected a URL without credentials, query or fragment (give the token in `token`)');
  }
  return url;
}

export function resolveRemoteConfig(config: RemoteGeneratorConfig): ResolvedRemoteConfig {
  if (!API_NAMES.includes(config.api)) {
    throw new RemoteError('invalid_config', `api: expected one of ${API_NAMES.join(', ')}, got ${JSON.stringify(config.api)}`);
  }
  const url = checkBaseUrl(config.baseUrl);
  const token = config.token === undefined || config.token === '' ? undefined : config.token;
  if (token !== undefined && (typeof token !== 'string' || /[\r\n]/.test(token))) {
    throw new RemoteError('invalid_config', 'token: expected a single-line string');
  }
  if (config.api === 'automatic1111' && token !== undefined && !token.includes(':')) {
    throw new RemoteError('invalid_config', 'token: expected user:password for the AUTOMATIC1111 API (--api-auth), got a value without a colon');
  }
  const fetchImpl = config.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new RemoteError('invalid_config', 'fetch: expected a fetch function (this environment has no global fetch)');
  const custom = config.fetch;
  return {
    api: config.api,
    baseUrl: url.href.replace(/\/+$/, ''),
    baseOrigin: url.origin,
    token,
    // Browsers throw "Illegal invocation" when window.fetch is called on anything but the global object.
    fetch: custom ? (input, init) => custom.call(globalThis, input, init) : (input, init) => globalThis.fetch(input, init),
    timing: checkTiming(config.timing),
  };
}
