// The Generator interface: local (WebGPU/WASM worker) and remote (Replicate-compatible) backends are
// interchangeable behind it. The UI, the history and the tests deal only with predictions and job events.
import type { RgbaImage } from '../engine/image';
import type { GenerationMode, Prediction, PredictionInput, ResolvedSettings } from '../predictions/PredictionInput';
import type { BackendInfo, GenerateOptions, SerializedError } from '../worker/protocol';

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
  /** Output pixels when the prediction succeeded. */
  images: RgbaImage[];
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
  submit(request: GenerationRequest, onEvent: (event: JobEvent) => void): JobHandle;
  /** Releases the worker / connections. */
  dispose(): void;
}
