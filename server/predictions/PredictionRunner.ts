// Runs predictions on the engine worker one at a time, in arrival order (a FIFO queue), and moves each record
// through starting → processing → succeeded | failed | canceled. A Cancel-After deadline cancels it too: `aborted`
// if it passes while the prediction still waits in the queue, `canceled` once it runs (Replicate's rule).
import { randomInt } from 'node:crypto';
import type { NoiseDevice } from '../../src/predictions/backends';
import type { EngineClient, JobProgress } from '../engine/EngineClient';
import { ProblemError } from '../httpProblems';
import { tqdmLine, seedLine } from './progressLogs';
import { isTerminal } from './predictionRecord';
import type { PredictionStore, StoredPrediction } from './PredictionStore';
import { formatDuration } from './requestHeaders';
import type { ServedVersion } from './replicateVersions';

interface QueuedJob {
  id: string;
  version: ServedVersion;
  input: Record<string, unknown>;
  seed: number;
}

interface RunningJob {
  id: string;
  /** Why it is being stopped, once someone asked. */
  stopReason?: 'cancel' | 'deadline';
}

export interface RunnerOptions {
  noiseDevice: NoiseDevice;
  /** Written into the output PNGs' A1111 parameters. */
  modelName: string;
  /** Most predictions waiting or running at once; more are refused with 429 rather than queued without end. */
  maxActive: number;
  log: (message: string) => void;
}

const now = () => new Date().toISOString();
const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

export class PredictionRunner {
  private readonly queue: QueuedJob[] = [];
  private running: RunningJob | undefined;
  private readonly deadlines = new Map<string, { timer: NodeJS.Timeout; ms: number }>();
  private closed = false;

  constructor(
    private readonly store: PredictionStore,
    private readonly engine: EngineClient,
    private readonly options: RunnerOptions,
  ) {}

  /**
   * Queues a stored prediction with its full input (the record shows it without inline images); `cancelAfterMs`
   * starts its deadline now, as Replicate counts it from creation.
   */
  enqueue(entry: StoredPrediction, version: ServedVersion, input: Record<string, unknown>, cancelAfterMs?: number): void {
    const seed = typeof input.seed === 'number' ? input.seed : randomInt(0, 2 ** 32);
    this.queue.push({ id: entry.record.id, version, input, seed });
    if (cancelAfterMs !== undefined) {
      const timer = setTimeout(() => this.onDeadline(entry.record.id), cancelAfterMs);
      timer.unref();
      this.deadlines.set(entry.record.id, { timer, ms: cancelAfterMs });
    }
    // On the next turn, so the create answer shows the prediction as it was accepted: starting.
    setImmediate(() => void this.pump());
  }

  /** Refuses a new prediction when `maxActive` are already waiting or running. */
  assertCapacity(): void {
    if (this.store.activeCount() >= this.options.maxActive) {
      throw new ProblemError('queue_full', 429, 'Too many predictions', `${this.options.maxActive} predictions are already waiting or running; try again later`, {
        headers: { 'Retry-After': '10' },
      });
    }
  }

  /** The caller's cancel: a queued prediction ends at once, a running one at the engine's next step. */
  cancel(id: string): void {
    this.stop(id, 'cancel');
  }

  private onDeadline(id: string): void {
    this.stop(id, 'deadline');
  }

  private stop(id: string, reason: 'cancel' | 'deadline'): void {
    const queued = this.queue.findIndex((job) => job.id === id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      const deadline = this.deadlines.get(id);
      const line = reason === 'deadline' ? `Aborted: the Cancel-After deadline (${formatDuration(deadline!.ms)}) passed before the prediction started.` : 'Canceled before it started.';
      this.finish(id, reason === 'deadline' ? 'aborted' : 'canceled', null, [line]);
      return;
    }
    if (this.running?.id === id && !this.running.stopReason) {
      this.running.stopReason = reason;
      this.engine.cancel(id);
    }
  }

  private finish(id: string, status: 'succeeded' | 'failed' | 'canceled' | 'aborted', error: string | null, lines: string[], outputs: Uint8Array[] = []): void {
    clearTimeout(this.deadlines.get(id)?.timer);
    this.deadlines.delete(id);
    const completedAt = now();
    const events = outputs.length > 0 ? (['output', 'completed'] as const) : (['completed'] as const);
    this.store.update(id, (record, entry) => {
      entry.outputs = outputs;
      record.outputCount = outputs.length;
      record.status = status;
      record.error = error;
      record.logs.push(...lines);
      record.completed_at = completedAt;
      record.metrics = {
        ...(record.started_at ? { predict_time: seconds(record.started_at, completedAt) } : {}),
        total_time: seconds(record.created_at, completedAt),
      };
    }, events);
    this.options.log(`prediction ${id} ${status}${error ? `: ${error}` : ''}`);
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = { id: job.id };
    try {
      await this.run(job);
    } finally {
      this.running = undefined;
      void this.pump();
    }
  }

  private async run(job: QueuedJob): Promise<void> {
    const startedAt = now();
    this.store.update(job.id, (record) => {
      record.status = 'processing';
      record.started_at = startedAt;
      record.logs.push(seedLine(job.seed));
    }, ['start', 'logs']);

    let barStarted = 0;
    const onProgress = (progress: JobProgress) => {
      if (progress.phase !== 'denoising') return;
      if (progress.step === 0) barStarted = performance.now();
      const line = tqdmLine(progress.step, progress.totalSteps, (performance.now() - barStarted) / 1000);
      this.store.update(job.id, (record) => record.logs.push(line), ['logs']);
    };
    const outcome = await this.engine.run(
      { jobId: job.id, mode: job.version.mode, input: job.input, seed: job.seed, noiseDevice: this.options.noiseDevice, modelName: this.options.modelName },
      onProgress,
    );
    if (isTerminal(this.store.get(job.id)?.record.status ?? 'succeeded')) return;
    if (outcome.status === 'succeeded') this.finish(job.id, 'succeeded', null, [], outcome.pngs);
    else if (outcome.status === 'failed') this.finish(job.id, 'failed', outcome.error.message, [`Error: ${outcome.error.message}`]);
    else {
      const deadline = this.deadlines.get(job.id);
      const line = this.running?.stopReason === 'deadline' && deadline
        ? `Canceled: the Cancel-After deadline (${formatDuration(deadline.ms)}) passed while the prediction was running.`
        : 'Canceled.';
      this.finish(job.id, 'canceled', null, [line]);
    }
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.deadlines.values()) clearTimeout(timer);
    this.deadlines.clear();
    this.queue.length = 0;
  }
}
