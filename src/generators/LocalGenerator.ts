// The in-browser generator: a FIFO queue on the main thread feeding one engine worker a job at a time, the
// Prediction record of every job, and recovery from a crashed worker or a lost GPU device (a fresh worker).
import { applyProfile, LOCAL_MODE_SCHEMAS, type ModeSchemas } from '../predictions/modelSchemas';
import { GENERATION_MODES, type Prediction } from '../predictions/PredictionInput';
import type { BackendInfo, BackendPreference, ModelRef, SerializedError } from '../predictions/backends';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import type { GenerationRequest, Generator, JobEvent, JobHandle, JobResult } from './Generator';
import { completedPrediction, startingPrediction, type Completion } from './predictionRecord';

/** The part of a Worker the generator uses, so tests can run an EngineHost in-process instead. */
export interface EngineWorker {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export interface LocalGeneratorOptions {
  model: ModelRef;
  backend?: BackendPreference;
  /** Builds a worker named `name` (tests run an EngineHost in-process instead). */
  createWorker?: (name: string) => EngineWorker;
}

/** A failed `prepare`, carrying the worker's error code ('no_adapter', 'model_contract', ...). */
export class LocalEngineError extends Error {
  readonly code: string;
  constructor(readonly detail: SerializedError) {
    super(detail.message);
    this.name = 'LocalEngineError';
    this.code = detail.code;
  }
}

/** `name` is unique per worker: the worker holds a Web Lock of that name for as long as it lives. */
const createEngineWorker = (name: string): EngineWorker => new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name });

/** How long a running job may take to acknowledge a cancel before its worker is presumed hung and replaced. */
const CANCEL_ACK_MS = 5000;

interface Job {
  id: string;
  request: GenerationRequest;
  model: ModelRef;
  backend: BackendPreference;
  onEvent: (event: JobEvent) => void;
  prediction: Prediction;
  logs: string[];
  phase?: string;
  stepsPerSecond?: number;
  finished: boolean;
  /** When the worker last reported on this job, and the longest silence so far (a step, a graph loading). */
  lastEventAt: number;
  slowestGapMs: number;
  resolve: (result: JobResult) => void;
}

const PHASE_LOG: Record<string, (totalSteps: number) => string> = {
  'loading-model': (graphs) => `Loading the model (${graphs} graphs)`,
  'encoding-prompt': () => 'Encoding the prompt',
  'encoding-image': () => 'Encoding the input image',
  denoising: (steps) => `Denoising: ${steps} steps`,
  decoding: () => 'Decoding the latents',
};

const describeBackend = (backend: BackendInfo) =>
  `Backend: ${backend.label}${backend.reasons.length > 0 ? ` (${backend.reasons.join('; ')})` : ''}`;

export class LocalGenerator implements Generator {
  readonly name = 'local';
  private model: ModelRef;
  private preference: BackendPreference;
  private readonly createWorker: (name: string) => EngineWorker;
  private worker?: EngineWorker;
  /** Set after a device loss: the worker's onnxruntime holds a dead GPU device, so the next job gets a new worker. */
  private restartBeforeNext = false;
  private readonly queue: Job[] = [];
  private running?: Job;
  private readonly loads = new Map<string, { resolve(backend: BackendInfo): void; reject(error: Error): void }>();
  private backend?: BackendInfo;
  private readonly backendListeners = new Set<(backend: BackendInfo) => void>();
  private disposed = false;

  constructor(options: LocalGeneratorOptions) {
    this.model = options.model;
    this.preference = options.backend ?? 'auto';
    this.createWorker = options.createWorker ?? createEngineWorker;
  }

  /** The backend of the last model loaded, if any. */
  backendInfo(): BackendInfo | undefined {
    return this.backend;
  }

  /** Called whenever the backend changes (model loaded, backend switched); returns the unsubscribe function. */
  onBackendChange(listener: (backend: BackendInfo) => void): () => void {
    this.backendListeners.add(listener);
    return () => this.backendListeners.delete(listener);
  }

  /** Makes `model` on `backend` what later jobs use; jobs already submitted keep theirs. */
  setModel(model: ModelRef, backend: BackendPreference): void {
    this.model = model;
    this.preference = backend;
  }

  /** Every scheduler the engine implements, with the model's own limits (SD-Turbo: 512², 1–4 steps). */
  modeSchemas(model: ModelRef = this.model): ModeSchemas {
    const schemas: ModeSchemas = {};
    for (const mode of GENERATION_MODES) schemas[mode] = applyProfile(LOCAL_MODE_SCHEMAS[mode], model.profile);
    return schemas;
  }

  /**
   * setModel, and loads the model now, so the UI can show the backend before the first job. Rejects with a
   * LocalEngineError ('no_adapter', 'fp16_unsupported', 'model_contract', ...) when it cannot load.
   */
  prepare(model: ModelRef = this.model, backend: BackendPreference = this.preference): Promise<BackendInfo> {
    this.setModel(model, backend);
    if (this.disposed) return Promise.reject(new Error('LocalGenerator: used after dispose()'));
    const jobId = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      this.loads.set(jobId, { resolve, reject });
      this.workerForNextRequest().postMessage({ type: 'load', jobId, model, backend });
    });
  }

  submit(request: GenerationRequest, onEvent: (event: JobEvent) => void): JobHandle {
    if (this.disposed) throw new Error('LocalGenerator: used after dispose()');
    const id = crypto.randomUUID();
    let resolve!: (result: JobResult) => void;
    const result = new Promise<JobResult>((settle) => (resolve = settle));
    const job: Job = {
      id,
      request,
      model: this.model,
      backend: this.preference,
      onEvent,
      prediction: startingPrediction(id, this.model.id, request.input, new Date()),
      logs: [],
      finished: false,
      lastEventAt: performance.now(),
      slowestGapMs: 0,
      resolve,
    };
    this.queue.push(job);
    this.startNext();
    if (this.queue.includes(job)) emit(job, { type: 'queued', position: this.queue.length });
    return { id, cancel: () => this.cancel(job), result };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of [...this.queue, ...(this.running ? [this.running] : [])]) this.finish(job, { status: 'canceled' });
    this.queue.length = 0;
    this.stopWorker(new LocalEngineError({ name: 'Error', code: 'disposed', message: 'The generator was disposed.' }));
  }

  private cancel(job: Job): void {
    if (job.finished) return;
    const index = this.queue.indexOf(job);
    if (index >= 0) {
      this.queue.splice(index, 1);
      this.finish(job, { status: 'canceled' });
      this.announcePositions();
    } else if (this.running === job) {
      // Cooperative: the engine stops before its next UNet call and answers 'canceled'. A worker that doesn't
      // answer within a few seconds (or twice its slowest step so far) is hung: replace it, the job is canceled.
      this.worker?.postMessage({ type: 'cancel', jobId: job.id });
      const deadline = Math.max(CANCEL_ACK_MS, 2 * job.slowestGapMs);
      setTimeout(() => {
        if (job.finished || this.running !== job) return;
        job.logs.push(`The engine did not stop within ${(deadline / 1000).toFixed(0)} s; it was restarted.`);
        this.stopWorker();
        this.finish(job, { status: 'canceled' });
      }, deadline);
    }
  }

  private startNext(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.announcePositions();
    const worker = this.workerForNextRequest();
    this.running = job;
    job.prediction = { ...job.prediction, status: 'processing', started_at: new Date().toISOString() };
    job.lastEventAt = performance.now();
    emit(job, { type: 'started' });
    const { mode, input, options } = job.request;
    try {
      worker.postMessage({ type: 'generate', jobId: job.id, model: job.model, backend: job.backend, mode, input, options });
    } catch (error) {
      // postMessage throws synchronously when the input cannot be cloned (e.g. a canvas instead of pixels).
      this.fail(job, { name: 'DataCloneError', code: 'invalid_input', message: (error as Error).message });
    }
  }

  private announcePositions(): void {
    this.queue.forEach((job, i) => emit(job, { type: 'queued', position: i + 1 }));
  }

  private workerForNextRequest(): EngineWorker {
    // Never under a running job: a job that raced the loss report ends on its own, and the restart waits for it.
    if (this.restartBeforeNext && !this.running) {
      this.restartBeforeNext = false;
      this.stopWorker();
    }
    if (this.worker) return this.worker;
    const name = `sd-engine-${crypto.randomUUID()}`;
    const worker = this.createWorker(name);
    worker.onmessage = (message) => this.onWorkerEvent(message.data, worker, name);
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.onWorkerCrash(event.message || 'the engine worker stopped with an uncaught error');
    };
    worker.onmessageerror = () => this.onWorkerCrash('a message from the engine worker could not be read');
    this.worker = worker;
    return worker;
  }

  /** Terminates the worker; loads still waiting on it are rejected with `reason`. */
  private stopWorker(reason?: Error): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const load of this.loads.values()) load.reject(reason ?? new Error('The engine worker was restarted.'));
    this.loads.clear();
  }

  private onWorkerCrash(message: string): void {
    const crash: SerializedError = { name: 'Error', code: 'worker_crashed', message: `The engine worker crashed: ${message}` };
    this.stopWorker(new LocalEngineError(crash));
    if (this.running) this.fail(this.running, crash);
  }

  /** The worker holds the lock named after it; getting it means the worker is gone, however it ended. */
  private watchLiveness(worker: EngineWorker, name: string): void {
    void globalThis.navigator?.locks
      ?.request(name, () => {
        if (this.worker === worker) this.onWorkerCrash('it ended without an error (the browser may have stopped it to free memory)');
      })
      .catch(() => undefined);
  }

  private onWorkerEvent(event: WorkerEvent, worker: EngineWorker, name: string): void {
    if (event.type === 'alive') {
      this.watchLiveness(worker, name);
      return;
    }
    if (event.type === 'device-lost') {
      this.restartBeforeNext = true;
      return;
    }
    const load = this.loads.get(event.jobId);
    if (load) {
      // A load's progress (graphs created) is not shown; only its answer matters.
      if (event.type === 'loaded') {
        this.loads.delete(event.jobId);
        this.setBackend(event.backend);
        load.resolve(event.backend);
      } else if (event.type === 'error') {
        this.loads.delete(event.jobId);
        if (event.error.code === 'device_lost') this.restartBeforeNext = true;
        load.reject(new LocalEngineError(event.error));
      }
      return;
    }
    const job = this.running;
    if (!job || job.id !== event.jobId) return;
    switch (event.type) {
      case 'loaded':
        this.setBackend(event.backend);
        job.logs.push(describeBackend(event.backend));
        emit(job, { type: 'backend', backend: event.backend });
        return;
      case 'progress': {
        const now = performance.now();
        job.slowestGapMs = Math.max(job.slowestGapMs, now - job.lastEventAt);
        job.lastEventAt = now;
        if (event.phase !== job.phase) job.logs.push(PHASE_LOG[event.phase](event.totalSteps));
        job.phase = event.phase;
        job.stepsPerSecond = event.stepsPerSecond ?? job.stepsPerSecond;
        const { phase, step, totalSteps, stepsPerSecond } = event;
        emit(job, { type: 'progress', phase, step, totalSteps, stepsPerSecond });
        return;
      }
      case 'preview':
        emit(job, { type: 'preview', step: event.step, image: event.image });
        return;
      case 'done': {
        const { timings, seed, backend } = event;
        if (!job.logs.some((line) => line.startsWith('Backend: '))) job.logs.unshift(describeBackend(backend));
        job.logs.push(`Using seed: ${seed}`, `Denoising ran at ${timings.stepsPerSecond.toFixed(2)} steps/s`);
        // The record keeps the seed that ran (the input's, or the one picked), so reusing it reproduces the image.
        job.prediction = { ...job.prediction, input: { ...job.prediction.input, seed }, backend: `local · ${backend.label}` };
        this.finish(job, { status: 'succeeded', predictMs: timings.totalMs }, { images: event.images, seed, settings: event.settings });
        return;
      }
      case 'canceled':
        this.finish(job, { status: 'canceled' });
        return;
      case 'error':
        if (event.error.code === 'device_lost') this.restartBeforeNext = true;
        this.fail(job, event.error);
        return;
    }
  }

  private setBackend(backend: BackendInfo): void {
    this.backend = backend;
    for (const listener of this.backendListeners) listener(backend);
  }

  private fail(job: Job, error: SerializedError): void {
    job.logs.push(`Error (${error.code}): ${error.message}`);
    this.finish(job, { status: 'failed', error: error.message }, { images: [], error });
  }

  private finish(job: Job, outcome: Pick<Completion, 'status' | 'error' | 'predictMs'>, result: Omit<JobResult, 'prediction'> = { images: [] }): void {
    if (job.finished) return;
    job.finished = true;
    if (outcome.status === 'canceled') job.logs.push('Canceled');
    const prediction = completedPrediction(job.prediction, { ...outcome, logs: job.logs, completedAt: new Date() });
    job.resolve({ prediction, ...result });
    if (this.running === job) {
      this.running = undefined;
      this.startNext();
    }
  }
}

/** A listener that throws must not stall the queue. */
function emit(job: Job, event: JobEvent): void {
  try {
    job.onEvent(event);
  } catch (error) {
    console.error('LocalGenerator: a job event listener threw', error);
  }
}
