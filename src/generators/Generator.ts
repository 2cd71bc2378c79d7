// The Generator interface: local (WebGPU/WASM worker) and remote (Replicate-compatible) backends are
// interchangeable behind it. The UI, the history and the tests deal only with predictions and job events.
import type { BackendInfo, BackendPreference, GenerateOptions, ModelRef, SerializedError } from '../predictions/backends';
import type { ModeSchemas } from '../predictions/modelSchemas';
import type { GenerationMode, Prediction, PredictionInput, ResolvedSettings } from '../predictions/PredictionInput';
import type { RgbaImage } from '../predictions/rgbaImage';

export interface GenerationRequest {
  mode: GenerationMode;
  /** Images already decoded to pixels; remote generators upload them. */
  input: PredictionInput<RgbaImage>;
  options: GenerateOptions;
}

/** What a running or queued job reports to the UI. */
export type JobEvent =
  | { type: 'queued'; position: number }
  | { type: 'started' }
  | { type: 'progress'; phase: string; step: number; totalSteps: number; stepsPerSecond?: number }
  | { type: 'preview'; step: number; image: RgbaImage }
  | { type: 'backend'; backend: BackendInfo };

export interface JobResult {
  /** The finished prediction record (status succeeded, failed or canceled); outputs are filled by the history. */
  prediction: Prediction;
  /**
   * Output pixels when the prediction succeeded and they are at hand: always from the local engine; from a remote
   * API where the environment can decode its files (a browser, not Node).
   */
  images?: RgbaImage[];
  /** The result files as a remote API served them (PNG, JPEG, WebP), fetched; absent for local runs. */
  outputs?: Blob[];
  error?: SerializedError;
  /** The seed the run used (the input's, or the random one picked), when it succeeded. */
  seed?: number;
  /** The settings the run used, defaults applied, when it succeeded. */
  settings?: ResolvedSettings & { seed: number };
}

export interface JobHandle {
  id: string;
  /** Cancels a queued or running job; a canceled job resolves with status 'canceled', it does not reject. */
  cancel(): void;
  /** Settles when the job finishes, fails or is canceled; never rejects. */
  result: Promise<JobResult>;
}

export interface Generator {
  /** Shown in the prediction record: "local · WebGPU", "replicate". */
  readonly name: string;
  /**
   * The modes this generator serves for `model`, each with its fields, defaults, limits and scheduler names (the
   * local engine's eleven schedulers, Replicate's six, the v3 API's own), the model's profile applied. The form
   * and the validation read them from here.
   */
  modeSchemas(model?: ModelRef): ModeSchemas;
  /**
   * Gets ready to run `model` (the local engine loads it; a remote client checks what it can) and says what will
   * run it. Rejects with an error carrying a `code` when it can't.
   */
  prepare(model: ModelRef, backend?: BackendPreference): Promise<BackendInfo>;
  /** Called whenever what runs jobs changes (a model loaded, a backend switched); returns the unsubscribe function. */
  onBackendChange(listener: (backend: BackendInfo) => void): () => void;
  submit(request: GenerationRequest, onEvent: (event: JobEvent) => void): JobHandle;
  /** Releases the worker / connections. */
  dispose(): void;
}
