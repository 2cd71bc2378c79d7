// What one pipeline run carries besides its inputs: the abort signal (checked between UNet calls), the progress
// callback, and timings that separate the engine's own work from time spent inside ONNX Runtime.
import { CancelledError } from '../errors';
import type { RgbaImage } from '../image';
import type { NoiseDevice } from '../random/createGenerator';
import type { ModelProfile } from '../../predictions/modelSchemas';
import type { DecoderChoice, PromptWeighting } from '../../predictions/backends';
import type { ResolvedSettings } from '../../predictions/PredictionInput';

export type RunPhase = 'encoding-prompt' | 'encoding-image' | 'denoising' | 'decoding';

export interface ProgressEvent {
  phase: RunPhase;
  /** Denoising: steps done so far (1-based after each step); other phases: 0 at their start. */
  step: number;
  totalSteps: number;
  /** The timestep just processed (denoising only). */
  timestep?: number;
  /** Cheap latent-to-RGB approximation of the first image, every `previewEvery` steps. */
  preview?: RgbaImage;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Attach a latent preview every this many steps (0 or absent: never). */
  previewEvery?: number;
  /** Which PyTorch generator a seed follows: 'cpu' (torch.Generator('cpu')) or 'cuda' (A1111's Philox imitation). */
  noiseDevice?: NoiseDevice;
  /** Inpainting: feather radius in pixels of the mask used to composite the result over the input. */
  maskBlur?: number;
  /** Overrides the model's own profile (defaults and limits). */
  profile?: ModelProfile;
  /**
   * 'a1111': AUTOMATIC1111's emphasis syntax and prompts longer than 75 tokens in chunks. Default 'none', as
   * Replicate and diffusers do (the prompt is cut at 75 tokens, brackets are plain text).
   */
  promptWeighting?: PromptWeighting;
  /** diffusers' use_karras_sigmas (A1111's "Karras" schedule type), for the schedulers in KARRAS_SCHEDULERS. */
  karrasSigmas?: boolean;
  /**
   * 'taesd': decode (and preview) with the model source's TAESD decoder, a small fraction of the full VAE decoder's
   * cost at slightly lower quality; 'vae' (the default) uses the export's own decoder.
   */
  decoder?: DecoderChoice;
}

export interface RunTimings {
  totalMs: number;
  encodePromptMs: number;
  denoiseMs: number;
  decodeMs: number;
  /** Time inside UNet session runs, summed over the loop. */
  unetMs: number;
  /** Denoising steps per second, UNet included. */
  stepsPerSecond: number;
  /** The engine's own time per denoising step (scheduler, guidance, scaling, tensor plumbing), ORT excluded. */
  engineMsPerStep: number;
}

export interface GenerationResult {
  images: RgbaImage[];
  /** The seed used: the input's, or the random one picked for this run. */
  seed: number;
  settings: ResolvedSettings & { seed: number };
  timings: RunTimings;
  /** UNet session calls made (for diagnostics: guidance doubles them). */
  unetCalls: number;
}

const now = () => performance.now();

/** Mutable bookkeeping for one run; pipelines create one and read `timings()` at the end. */
export class RunContext {
  private readonly started = now();
  private phaseStarted = now();
  private encodePromptMs = 0;
  private decodeMs = 0;
  private denoiseStarted = 0;
  private denoiseMs = 0;
  private stepsDone = 0;
  unetMs = 0;
  unetCalls = 0;

  constructor(private readonly options: RunOptions) {}

  /** Throws CancelledError when the run's signal has fired. Called before every UNet call. */
  throwIfAborted(): void {
    if (this.options.signal?.aborted) throw new CancelledError();
  }

  startPhase(phase: RunPhase, totalSteps: number): void {
    this.throwIfAborted();
    this.phaseStarted = now();
    if (phase === 'denoising') this.denoiseStarted = this.phaseStarted;
    this.options.onProgress?.({ phase, step: 0, totalSteps });
  }

  endEncodePrompt(): void {
    this.encodePromptMs += now() - this.phaseStarted;
  }

  endDecode(): void {
    this.decodeMs += now() - this.phaseStarted;
  }

  /** Whether the step about to be reported should carry a preview (so callers compute it only then). */
  wantsPreview(step: number, totalSteps: number): boolean {
    const every = this.options.previewEvery ?? 0;
    return every > 0 && this.options.onProgress !== undefined && (step % every === 0 || step === totalSteps);
  }

  reportStep(step: number, totalSteps: number, timestep: number, preview?: RgbaImage): void {
    this.stepsDone = step;
    this.denoiseMs = now() - this.denoiseStarted;
    this.options.onProgress?.({ phase: 'denoising', step, totalSteps, timestep, preview });
  }

  async timeUnet<T>(run: () => Promise<T>): Promise<T> {
    const start = now();
    try {
      return await run();
    } finally {
      this.unetMs += now() - start;
      this.unetCalls++;
    }
  }

  timings(): RunTimings {
    const steps = Math.max(this.stepsDone, 1);
    return {
      totalMs: now() - this.started,
      encodePromptMs: this.encodePromptMs,
      denoiseMs: this.denoiseMs,
      decodeMs: this.decodeMs,
      unetMs: this.unetMs,
      stepsPerSecond: this.denoiseMs > 0 ? (this.stepsDone * 1000) / this.denoiseMs : 0,
      engineMsPerStep: Math.max(this.denoiseMs - this.unetMs, 0) / steps,
    };
  }
}
