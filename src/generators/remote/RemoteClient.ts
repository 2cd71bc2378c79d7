// What each API client (Replicate, Stable Diffusion API v3, AUTOMATIC1111) implements, and what the generator gives
// it for one job: the HTTP layer, the deadline, the stop signal, and ways to report logs, progress and the remote id.
import type { FieldError } from '../../predictions/errors';
import type { GenerationMode, PredictionMetrics, PredictionStatus, ResolvedSettings } from '../../predictions/PredictionInput';
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { GenerateOptions } from '../../predictions/backends';
import type { StopReason } from './jobStop';
import type { ResolvedTiming } from './remoteConfig';
import type { RemoteError } from './RemoteError';
import type { RemoteHttp } from './RemoteHttp';
import type { RemoteInput } from './remoteInput';
import type { RemoteModeSchemas } from './remoteSchemas';

export type RemoteLabel = 'Replicate' | 'Stable Diffusion API' | 'AUTOMATIC1111';

export interface RemoteJobContext {
  readonly mode: GenerationMode;
  /** The request's options; may be empty ({}), so every field is optional here. */
  readonly options: Partial<GenerateOptions>;
  readonly http: RemoteHttp;
  readonly timing: ResolvedTiming;
  /** When the job must have a result (epoch ms); the stop signal fires then. */
  readonly deadline: number;
  /** Aborts with a JobStopped when the user cancels or the deadline passes. */
  readonly stop: AbortSignal;
  stopReason(): StopReason | undefined;
  /** A line of our own for the prediction's logs. */
  log(line: string): void;
  /** The remote's own logs so far (replaced on every call). */
  remoteLogs(text: string): void;
  remoteId(id: string): void;
  /** The remote began working on it (emitted once). */
  started(): void;
  /** Denoising progress (emitted when it changes). */
  progress(step: number, totalSteps: number, stepsPerSecond?: number): void;
}

/** How a remote run ended, before its outputs are downloaded. */
export interface RemoteRun {
  status: PredictionStatus;
  /** The Replicate model name, the v3 endpoint, or the checkpoint AUTOMATIC1111 ran. */
  model: string;
  version?: string;
  /** Output URLs or data URLs, in order. */
  output: string[];
  seed?: number;
  metrics?: PredictionMetrics;
  /** Why it failed, was aborted, or ran out of time. */
  error?: RemoteError;
}

export interface RemoteClient {
  readonly label: RemoteLabel;
  /** Jobs that may run at once; the rest wait in submission order. */
  readonly concurrency: number;
  readonly schemas: RemoteModeSchemas;
  /** What the record names before the run says more: the Replicate model and version, the v3 endpoint, ... */
  modelOf(mode: GenerationMode): { model: string; version?: string };
  /** The API's own rules beyond the schema (e.g. how large an input image may be), checked before sending. */
  checkInput?(mode: GenerationMode, settings: ResolvedSettings, image?: RgbaImage): FieldError[];
  /** Runs one prediction to its end; throws a RemoteError (or the JobStopped of the stop signal) when it cannot. */
  run(job: RemoteJobContext, input: RemoteInput): Promise<RemoteRun>;
}
