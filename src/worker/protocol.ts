// The typed message protocol between the app and the engine worker. Every message carries its job id; pixel
// buffers are transferred, not copied; errors cross as plain `{ name, code, message }` objects.
import type { RgbaImage, RunPhase, RunTimings } from '../engine';
import type { GenerationMode, PredictionInput, ResolvedSettings } from '../predictions/PredictionInput';
import type { BackendInfo, BackendPreference, GenerateOptions, ModelRef, SerializedError } from '../predictions/backends';

export type { BackendInfo, BackendPreference, GenerateOptions, ModelDtype, ModelRef, SerializedError } from '../predictions/backends';

export type WorkerRequest =
  | { type: 'load'; jobId: string; model: ModelRef; backend: BackendPreference }
  | {
      type: 'generate';
      jobId: string;
      model: ModelRef;
      backend: BackendPreference;
      mode: GenerationMode;
      input: PredictionInput<RgbaImage>;
      options: GenerateOptions;
    }
  | { type: 'cancel'; jobId: string };

/** 'loading-model': sessions are being created (step = graphs created so far, totalSteps = graphs to create). */
export type WorkerPhase = RunPhase | 'loading-model';

/**
 * `loaded` answers a `load` request, and is also sent during a `generate` job whenever that job had to (re)load
 * the model. `device-lost` is the one event without a job: the GPU device went away while no job was running, so
 * the worker must be restarted before the next WebGPU job.
 */
export type WorkerEvent =
  | { type: 'loaded'; jobId: string; backend: BackendInfo }
  | { type: 'progress'; jobId: string; phase: WorkerPhase; step: number; totalSteps: number; stepsPerSecond?: number }
  | { type: 'preview'; jobId: string; step: number; image: RgbaImage }
  | {
      type: 'done';
      jobId: string;
      images: RgbaImage[];
      seed: number;
      settings: ResolvedSettings & { seed: number };
      timings: RunTimings;
      backend: BackendInfo;
    }
  | { type: 'canceled'; jobId: string }
  | { type: 'error'; jobId: string; error: SerializedError }
  | { type: 'device-lost'; message: string }
  /** The worker holds its liveness lock (a Web Lock named after the worker): its release means the worker is gone. */
  | { type: 'alive' };
