// The engine worker's logic as a plain class (no `self`, so Node tests run it): loads a model once and reuses its
// sessions between jobs, runs one request at a time, cancels through an AbortController per job, and reports
// everything as WorkerEvents through `post`, transferring pixel buffers.
import { CancelledError, generate, type RgbaImage, type StableDiffusionModel } from '../engine';
import type { ModelComponent } from '../engine';
import type { BackendInfo, BackendPreference, ModelRef, WorkerEvent, WorkerRequest } from './protocol';
import { serializeError, WorkerError } from './workerErrors';

export interface LoadedModel {
  model: StableDiffusionModel;
  backend: BackendInfo;
  /** Settles with a description if the GPU device behind the sessions is lost (WebGPU only). */
  deviceLost?: Promise<string>;
}

/** Picks the backend for a model and opens its files there; the host creates the sessions through `model.session`. */
export interface ModelLoader {
  load(model: ModelRef, backend: BackendPreference): Promise<LoadedModel>;
}

export type PostEvent = (event: WorkerEvent, transfer: Transferable[]) => void;

/** Graphs created when a model loads; the VAE encoder waits until an image-to-image or inpainting job needs it. */
const EAGER_COMPONENTS: readonly ModelComponent[] = ['text_encoder', 'unet', 'vae_decoder'];

interface Job {
  jobId: string;
  controller: AbortController;
  /** Set once the job's one terminal event (done, loaded, canceled or error) has been posted. */
  settled: boolean;
}

type LoadRequest = Extract<WorkerRequest, { type: 'load' }>;
type GenerateRequest = Extract<WorkerRequest, { type: 'generate' }>;

/** Each distinct pixel buffer once: a transfer list naming a buffer twice is rejected. */
function buffersOf(images: readonly RgbaImage[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const image of images) if (image.data.buffer instanceof ArrayBuffer) buffers.add(image.data.buffer);
  return [...buffers];
}

const isCancellation = (error: unknown) => error instanceof CancelledError || (error instanceof Error && error.name === 'AbortError');

export class EngineHost {
  private current?: { key: string; loaded: LoadedModel };
  private work: Promise<void> = Promise.resolve();
  private active?: Job;
  private readonly waiting = new Set<string>();
  private readonly cancelledWhileWaiting = new Set<string>();
  /** Models whose graphs turned out to need shader-f16: 'auto' sends them to WASM from then on. */
  private readonly float16Models = new Set<string>();

  constructor(
    private readonly loader: ModelLoader,
    private readonly post: PostEvent,
  ) {}

  /** Accepts a request; load and generate requests run one after another, cancel acts at once. */
  handle(request: WorkerRequest): Promise<void> {
    if (request.type === 'cancel') {
      this.cancel(request.jobId);
      return this.work;
    }
    this.waiting.add(request.jobId);
    this.work = this.work.then(() => this.run(request));
    return this.work;
  }

  /** Releases the loaded model's sessions. */
  async dispose(): Promise<void> {
    await this.work;
    await this.releaseCurrent();
  }

  private cancel(jobId: string): void {
    if (this.active?.jobId === jobId) this.active.controller.abort();
    else if (this.waiting.has(jobId)) this.cancelledWhileWaiting.add(jobId);
  }

  private async run(request: LoadRequest | GenerateRequest): Promise<void> {
    const job: Job = { jobId: request.jobId, controller: new AbortController(), settled: false };
    this.waiting.delete(job.jobId);
    if (this.cancelledWhileWaiting.delete(job.jobId)) {
      this.finish(job, { type: 'canceled', jobId: job.jobId });
      return;
    }
    this.active = job;
    try {
      if (request.type === 'load') await this.load(job, request);
      else await this.generate(job, request);
    } catch (error) {
      if (isCancellation(error)) this.finish(job, { type: 'canceled', jobId: job.jobId });
      else this.finish(job, { type: 'error', jobId: job.jobId, error: serializeError(error) });
    } finally {
      if (this.active === job) this.active = undefined;
    }
  }

  private finish(job: Job, event: WorkerEvent, transfer: Transferable[] = []): void {
    if (job.settled) return;
    job.settled = true;
    this.post(event, transfer);
  }

  private async load(job: Job, request: LoadRequest): Promise<void> {
    const { loaded } = await this.withFloat16Fallback(request.model, request.backend, (model) => this.ensureModel(job, model, request.backend));
    this.finish(job, { type: 'loaded', jobId: job.jobId, backend: loaded.backend });
  }

  private async generate(job: Job, request: GenerateRequest): Promise<void> {
    const { signal } = job.controller;
    const { jobId } = job;
    const attempt = async (model: ModelRef) => {
      const { loaded, fresh } = await this.ensureModel(job, model, request.backend);
      if (fresh) this.post({ type: 'loaded', jobId, backend: loaded.backend }, []);
      if (signal.aborted) throw new CancelledError();
      let denoiseStarted = 0;
      const result = await generate(loaded.model, request.mode, request.input, {
        ...request.options,
        signal,
        onProgress: (event) => {
          if (job.settled) return;
          const { phase, step, totalSteps } = event;
          if (phase === 'denoising' && step === 0) denoiseStarted = performance.now();
          const elapsed = performance.now() - denoiseStarted;
          const stepsPerSecond = phase === 'denoising' && step > 0 && elapsed > 0 ? (step * 1000) / elapsed : undefined;
          this.post({ type: 'progress', jobId, phase, step, totalSteps, stepsPerSecond }, []);
          if (event.preview) this.post({ type: 'preview', jobId, step, image: event.preview }, buffersOf([event.preview]));
        },
      });
      return { result, backend: loaded.backend };
    };
    const { result, backend } = await this.withFloat16Fallback(request.model, request.backend, attempt);
    const { images, seed, settings, timings } = result;
    this.finish(job, { type: 'done', jobId, images, seed, settings, timings, backend }, buffersOf(images));
  }

  /**
   * Runs `attempt` on the model; when 'auto' put a float16 model on a GPU without shader-f16 (which shows only once
   * a graph is created or run), it releases that model and runs `attempt` again, marked float16 so it goes to WASM.
   */
  private async withFloat16Fallback<T>(model: ModelRef, backend: BackendPreference, attempt: (model: ModelRef) => Promise<T>): Promise<T> {
    const known = this.float16Models.has(model.id) ? { ...model, dtype: 'float16' as const } : model;
    try {
      return await attempt(known);
    } catch (error) {
      if (backend !== 'auto' || known.dtype === 'float16' || serializeError(error).code !== 'fp16_unsupported') throw error;
      this.float16Models.add(model.id);
      await this.releaseCurrent();
      return attempt({ ...model, dtype: 'float16' });
    }
  }

  /** The loaded model for this request, loading it (and releasing the previous one) when it differs. */
  private async ensureModel(job: Job, model: ModelRef, backend: BackendPreference): Promise<{ loaded: LoadedModel; fresh: boolean }> {
    const key = JSON.stringify([model.id, model.baseUrl, model.dtype ?? null, model.fastDecoderId ?? null, backend]);
    if (this.current?.key === key) return { loaded: this.current.loaded, fresh: false };
    await this.releaseCurrent();

    const loaded = await this.loader.load(model, backend);
    const progress = (step: number, totalSteps: number) =>
      this.post({ type: 'progress', jobId: job.jobId, phase: 'loading-model', step, totalSteps }, []);
    try {
      const present = await Promise.all(EAGER_COMPONENTS.map((component) => loaded.model.hasComponent(component)));
      const components = EAGER_COMPONENTS.filter((_, i) => present[i]);
      for (let i = 0; i < components.length; i++) {
        progress(i, components.length);
        await loaded.model.session(components[i]);
      }
      progress(components.length, components.length);
    } catch (error) {
      await loaded.model.release().catch(() => undefined);
      throw error;
    }
    this.current = { key, loaded };
    loaded.deviceLost?.then((message) => this.onDeviceLost(loaded, message));
    return { loaded, fresh: true };
  }

  private async releaseCurrent(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.loaded.model.release();
  }

  /**
   * A lost device takes every session on it along: release them so nothing uses them again, fail the running job
   * at once (its ORT call may never return), and tell the app so it restarts the worker before the next WebGPU job.
   */
  private onDeviceLost(loaded: LoadedModel, message: string): void {
    if (this.current?.loaded !== loaded) return; // released on purpose (model or backend switch)
    this.current = undefined;
    loaded.model.release().catch(() => undefined);
    const job = this.active;
    const error = new WorkerError('device_lost', `The GPU device was lost (${message}); the engine restarts for the next job.`);
    if (job && !job.settled) {
      job.controller.abort();
      this.finish(job, { type: 'error', jobId: job.jobId, error: serializeError(error) });
    } else {
      this.post({ type: 'device-lost', message: error.message }, []);
    }
  }
}
