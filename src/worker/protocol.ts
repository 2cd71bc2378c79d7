// The typed message protocol between the app and the engine worker. Every message carries its job id; pixel
// buffers are transferred, not copied; errors cross as plain `{ name, code, message }` objects.
import type { FieldError } from '../engine/errors';
import type { RgbaImage } from '../engine/image';
import type { NoiseDevice } from '../engine/random/createGenerator';
import type { RunPhase, RunTimings } from '../engine/pipelines/runContext';
import type { GenerationMode, PredictionInput, ResolvedSettings } from '../predictions/PredictionInput';
import type { ModelProfile } from '../predictions/modelSchemas';

/** Which model to run and where the worker reads its files. */
export interface ModelRef {
  id: string;
  /**
   * URL of a model folder served over HTTP, ending in '/' (tests and tools). Without one, the model is read from
   * the IndexedDB weight store, where the app keeps every downloaded or imported model (the demo included).
   */
  baseUrl?: string;
  profile?: ModelProfile;
  /**
   * The float type the graphs compute in, when the catalog knows it. 'float16' lets the worker pick WASM up front on
   * a GPU without shader-f16; when absent the worker reads it from the graphs' metadata as it creates them.
   */
  dtype?: ModelDtype;
}

export type ModelDtype = 'float32' | 'float16';

export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

/** Which execution provider runs, in words the UI shows, and why a faster one is not used. */
export interface BackendInfo {
  kind: 'webgpu' | 'wasm';
  /** "WebGPU · SwiftShader", "WASM · 2 threads". */
  label: string;
  /** Why WebGPU or more threads are not in use (empty when nothing faster exists). */
  reasons: string[];
  /** WASM threads in use (1 when not cross-origin isolated). */
  threads: number;
  /** The WebGPU adapter's description when one was found. */
  adapter?: string;
}

export interface GenerateOptions {
  noiseDevice: NoiseDevice;
  maskBlur: number;
  previewEvery: number;
}

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

export interface SerializedError {
  name: string;
  /**
   * EngineError codes plus the worker's own: 'no_adapter', 'device_lost', 'out_of_memory', 'fp16_unsupported'
   * (a float16 graph on a GPU without shader-f16), 'worker_crashed', 'unknown'; and the weight store's:
   * 'weights_missing' (not completely downloaded), 'weights_damaged' (a stored chunk failed its check on load; the
   * file record lists it for the app to fetch again).
   */
  code: string;
  message: string;
  fieldErrors?: FieldError[];
}

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
  | { type: 'device-lost'; message: string };
