// The main thread's handle on the engine worker: starts it and waits for the model to load, hands it a job and
// turns the worker's messages into one promise per job. A worker that dies fails its job and is started again for
// the next one.
import { Worker } from 'node:worker_threads';
import type { RunPhase } from '../../src/engine';
import type { SerializedError } from '../../src/predictions/backends';
import type { EngineJob, EngineWorkerData, FromWorker, ToWorker } from './workerProtocol';

export class EngineStartError extends Error {
  readonly code = 'engine_start_failed';
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartError';
  }
}

export interface JobProgress {
  phase: RunPhase;
  step: number;
  totalSteps: number;
}

export type JobOutcome =
  | { status: 'succeeded'; seed: number; pngs: Uint8Array[] }
  | { status: 'failed'; error: SerializedError }
  | { status: 'canceled' };

interface PendingJob {
  resolve: (outcome: JobOutcome) => void;
  onProgress: (progress: JobProgress) => void;
  /** A cancel that came while the worker was still starting: the job is then never sent. */
  canceledEarly?: boolean;
  sent?: boolean;
}

const BOOTSTRAP = new URL('../engineWorkerBootstrap.mjs', import.meta.url);
const ENTRY = new URL('../engineWorker.ts', import.meta.url).href;

function spawn(data: EngineWorkerData): Promise<Worker> {
  const worker = new Worker(BOOTSTRAP, { workerData: { ...data, entry: ENTRY }, name: 'sd-engine' });
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      void worker.terminate();
      reject(new EngineStartError(message));
    };
    worker.once('error', (error) => fail(`the engine worker failed to start: ${error.message}`));
    worker.once('exit', (code) => fail(`the engine worker exited with code ${code} before the model loaded`));
    worker.once('message', (message: FromWorker) => {
      worker.removeAllListeners('error').removeAllListeners('exit');
      if (message.type === 'ready') resolve(worker);
      else if (message.type === 'load-failed') fail(`the model in ${data.modelDir} could not be loaded: ${message.error.message}`);
      else fail(`the engine worker sent "${message.type}" before "ready"`);
    });
  });
}

export class EngineClient {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly jobs = new Map<string, PendingJob>();
  private closed = false;

  private constructor(private readonly data: EngineWorkerData) {}

  /** Starts the worker and resolves once the model has loaded; rejects with EngineStartError when it cannot. */
  static async start(data: EngineWorkerData): Promise<EngineClient> {
    const client = new EngineClient(data);
    client.adopt(await spawn(data));
    return client;
  }

  private adopt(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', () => {}); // 'exit' follows and fails the jobs
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const error: SerializedError = { name: 'WorkerCrashed', code: 'worker_crashed', message: `the engine worker stopped (exit code ${code}) during the job` };
      for (const [jobId, job] of this.jobs) {
        if (!job.sent) continue; // waiting for the next worker, not this one
        job.resolve({ status: 'failed', error });
        this.jobs.delete(jobId);
      }
    });
  }

  private receive(message: FromWorker): void {
    if (!('jobId' in message)) return;
    const job = this.jobs.get(message.jobId);
    if (!job) return;
    if (message.type === 'progress') {
      job.onProgress({ phase: message.phase, step: message.step, totalSteps: message.totalSteps });
      return;
    }
    this.jobs.delete(message.jobId);
    if (message.type === 'succeeded') job.resolve({ status: 'succeeded', seed: message.seed, pngs: message.pngs.map((png) => new Uint8Array(png)) });
    else if (message.type === 'failed') job.resolve({ status: 'failed', error: message.error });
    else job.resolve({ status: 'canceled' });
  }

  private async ensureWorker(): Promise<Worker> {
    if (this.worker) return this.worker;
    this.starting ??= spawn(this.data).finally(() => (this.starting = undefined));
    const worker = await this.starting;
    if (this.worker !== worker) this.adopt(worker);
    return worker;
  }

  /** Runs one job; never rejects: a failure (a crashed worker included) comes back as a 'failed' outcome. */
  async run(job: EngineJob, onProgress: (progress: JobProgress) => void): Promise<JobOutcome> {
    if (this.closed) return { status: 'failed', error: { name: 'EngineClosed', code: 'engine_closed', message: 'the server is shutting down' } };
    let resolve!: (outcome: JobOutcome) => void;
    const outcome = new Promise<JobOutcome>((settle) => (resolve = settle));
    const pending: PendingJob = { resolve, onProgress };
    this.jobs.set(job.jobId, pending);
    try {
      const worker = await this.ensureWorker();
      if (pending.canceledEarly) {
        this.jobs.delete(job.jobId);
        return { status: 'canceled' };
      }
      pending.sent = true;
      worker.postMessage({ type: 'run', job } satisfies ToWorker);
    } catch (error) {
      this.jobs.delete(job.jobId);
      return { status: 'failed', error: { name: 'EngineStartError', code: 'engine_start_failed', message: (error as Error).message } };
    }
    return outcome;
  }

  cancel(jobId: string): void {
    const pending = this.jobs.get(jobId);
    if (!pending) return;
    if (pending.sent) this.worker?.postMessage({ type: 'cancel', jobId } satisfies ToWorker);
    else pending.canceledEarly = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }
}
