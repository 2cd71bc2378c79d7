// The server's settings, with their defaults: what main.ts reads from the command line and the environment, and
// what tests hand to buildApp directly (with smaller limits where a test needs them).
import { fileURLToPath } from 'node:url';
import type { NoiseDevice } from '../src/predictions/backends';

export interface ServerLimits {
  /** Largest input image fetched from an http(s) URL (data URLs are capped at 10 MB by the shared wire check). */
  imageBytes: number;
  imageFetchMs: number;
  /** Largest decoded input image, in pixels (a decompression bomb is refused before decoding). */
  imagePixels: number;
  /** Largest JSON body of a prediction request: two 10 MB images as base64 data URLs fit. */
  predictionBodyBytes: number;
  proxyBodyBytes: number;
  proxyResponseBytes: number;
  /** Longer than Replicate's longest `Prefer: wait` (60 s), so a held request passes through. */
  proxyTimeoutMs: number;
  webhookTimeoutMs: number;
  webhookAttempts: number;
  webhookRetryMs: number;
  /** Replicate sends `output` and `logs` webhooks at most once every 500 ms. */
  webhookThrottleMs: number;
}

export interface LogOptions {
  level: string;
  /** Where log lines go (stdout when absent); tests read them. */
  stream?: NodeJS.WritableStream;
  /** One line per HTTP request (off by default: pollers would fill the log). */
  requests: boolean;
}

export interface ServerOptions {
  host: string;
  port: number;
  /** A model folder in the diffusers ONNX layout. */
  modelDir: string;
  /** The built app (vite build's dist/). */
  staticDir: string;
  /** Bearer token the /v1 API requires; no auth when absent. */
  token?: string;
  /** Hosts /proxy/{host}/ forwards to: "api.replicate.com" (https), or an origin such as "http://127.0.0.1:8080". */
  proxyAllow: string[];
  /** Predictions kept in memory, outputs included; the oldest finished ones are dropped first. */
  keepPredictions: number;
  /** Results per page of GET /v1/predictions (Replicate's is 100). */
  pageSize: number;
  /** onnxruntime intra-op threads; its default count when absent (spinning is off either way). */
  threads?: number;
  /** Which PyTorch generator seeds follow: 'cuda' (A1111's imitation, what Replicate's GPUs draw) or 'cpu'. */
  noiseDevice: NoiseDevice;
  /** Standard Webhooks signing secret, "whsec_" + base64; a random one per run when absent. */
  webhookSecret?: string;
  limits: ServerLimits;
  log: LogOptions | false;
}

export const DEFAULT_PROXY_HOSTS = ['api.replicate.com', 'stablediffusionapi.com', 'modelslab.com'];

const MB = 1024 * 1024;

export const DEFAULT_LIMITS: ServerLimits = {
  imageBytes: 10 * MB,
  imageFetchMs: 30_000,
  imagePixels: 4096 * 4096,
  predictionBodyBytes: 32 * MB,
  proxyBodyBytes: 32 * MB,
  proxyResponseBytes: 64 * MB,
  proxyTimeoutMs: 120_000,
  webhookTimeoutMs: 10_000,
  webhookAttempts: 4,
  webhookRetryMs: 1_000,
  webhookThrottleMs: 500,
};

export type ServerOptionsInput = Partial<Omit<ServerOptions, 'limits'>> & { limits?: Partial<ServerLimits> };

export function resolveOptions(input: ServerOptionsInput = {}): ServerOptions {
  const { limits, ...given } = input;
  // An option given as undefined means "not given": it must not wipe out the default.
  const rest = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return {
    host: 'localhost',
    port: 5173,
    modelDir: fileURLToPath(new URL('../public/models/tiny-sd/', import.meta.url)),
    staticDir: fileURLToPath(new URL('../dist/', import.meta.url)),
    proxyAllow: DEFAULT_PROXY_HOSTS,
    keepPredictions: 100,
    pageSize: 100,
    noiseDevice: 'cuda',
    log: { level: 'info', requests: false },
    ...rest,
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}
