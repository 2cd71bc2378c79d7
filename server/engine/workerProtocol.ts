// The messages between the server's main thread and its engine worker thread: typed unions keyed by `type`, every
// job message carrying its job id, PNG bytes transferred rather than copied, errors crossing as SerializedError.
import type { RunPhase } from '../../src/engine';
import type { NoiseDevice, SerializedError } from '../../src/predictions/backends';
import type { GenerationMode } from '../../src/predictions/PredictionInput';

export interface ImageLimits {
  maxBytes: number;
  fetchTimeoutMs: number;
  maxPixels: number;
}

/** What the worker is started with (its `workerData`). */
export interface EngineWorkerData {
  modelDir: string;
  /** onnxruntime intra-op threads; onnxruntime's own default when absent. */
  threads?: number;
  imageLimits: ImageLimits;
}

export interface EngineJob {
  jobId: string;
  mode: GenerationMode;
  /** The prediction input as the API received it: images are still URLs or data URLs (the worker decodes them). */
  input: Record<string, unknown>;
  /** Picked before the job runs, so the log can say it first (Replicate's "Using seed: N"). */
  seed: number;
  noiseDevice: NoiseDevice;
  /** Written into each output PNG's A1111 parameters as `Model`. */
  modelName: string;
}

export type ToWorker = { type: 'run'; job: EngineJob } | { type: 'cancel'; jobId: string };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'progress'; jobId: string; phase: RunPhase; step: number; totalSteps: number }
  | { type: 'succeeded'; jobId: string; seed: number; pngs: ArrayBuffer[] }
  | { type: 'failed'; jobId: string; error: SerializedError }
  | { type: 'canceled'; jobId: string };

/** Any thrown value as it crosses the thread boundary: name, string code, message (and field errors, if any). */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const { code, errors } = error as Error & { code?: unknown; errors?: SerializedError['fieldErrors'] };
    return {
      name: error.name,
      code: typeof code === 'string' ? code : 'unknown',
      message: error.message,
      ...(Array.isArray(errors) ? { fieldErrors: errors } : {}),
    };
  }
  return { name: 'Error', code: 'unknown', message: String(error) };
}
