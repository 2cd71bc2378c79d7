// One remote job from submit to result: validation before anything is sent, the deadline, cancel, the events the UI
// sees, the logs and Prediction record, the outputs downloaded (and decoded where possible). The API-specific part
// is the client's run(); everything here is the same for the three APIs. The result never rejects.
import type { BackendInfo } from '../../predictions/backends';
import type { Prediction, ResolvedSettings } from '../../predictions/PredictionInput';
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { GenerationRequest, JobEvent, JobResult } from '../Generator';
import { decodeImages } from './decodeImages';
import { JobStopped, type StopReason } from './jobStop';
import { fetchOutputs, recordedOutput } from './outputFiles';
import type { RemoteClient, RemoteJobContext, RemoteRun } from './RemoteClient';
import type { ResolvedTiming } from './remoteConfig';
import { asRemoteError, RemoteError } from './RemoteError';
import type { RemoteHttp } from './RemoteHttp';
import { encodeRemoteInput, validateRemoteInput } from './remoteInput';
import { completedRemotePrediction, startingRemotePrediction, type RemoteCompletion } from './remotePrediction';

export interface RemoteJobDeps {
  client: RemoteClient;
  http: RemoteHttp;
  timing: ResolvedTiming;
  backend: BackendInfo;
  /** "remote · Replicate": the record's `backend`. */
  backendName: string;
}

type Valid = { settings: ResolvedSettings; image?: RgbaImage; mask?: RgbaImage };

export class RemoteJob implements RemoteJobContext {
  readonly id = crypto.randomUUID();
  readonly mode: GenerationRequest['mode'];
  readonly options: RemoteJobContext['options'];
  readonly http: RemoteHttp;
  readonly timing: ResolvedTiming;
  readonly deadline: number;
  readonly result: Promise<JobResult>;
  private readonly controller = new AbortController();
  private readonly deadlineTimer: ReturnType<typeof setTimeout>;
  private readonly lines: string[] = [];
  private remoteLogText = '';
  private prediction: Prediction;
  private state: 'waiting' | 'running' | 'done' = 'waiting';
  private hasStarted = false;
  private lastProgress = '';
  private lastPosition = 0;
  private valid?: Valid;
  private resolve!: (result: JobResult) => void;

  constructor(private readonly request: GenerationRequest, private readonly onEvent: (event: JobEvent) => void, private readonly deps: RemoteJobDeps) {
    this.mode = request.mode;
    this.options = request.options ?? {};
    this.http = deps.http;
    this.timing = deps.timing;
    this.deadline = Date.now() + deps.timing.deadlineMs;
    this.result = new Promise((settle) => (this.resolve = settle));
    // An unknown mode is refused by validate(); the record still needs a model name until then.
    const known = Object.hasOwn(deps.client.schemas, request.mode);
    const { model, version } = known ? deps.client.modelOf(request.mode) : { model: deps.client.label, version: undefined };
    this.prediction = { ...startingRemotePrediction(this.id, model, request.input, deps.backendName, new Date()), ...(version ? { version } : {}) };
    this.deadlineTimer = setTimeout(() => this.stopWith('timeout'), deps.timing.deadlineMs);
  }

  get stop(): AbortSignal {
    return this.controller.signal;
  }

  get isDone(): boolean {
    return this.state === 'done';
  }

  stopReason(): StopReason | undefined {
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof JobStopped ? reason.reason : undefined;
  }

  log(line: string): void {
    this.lines.push(line);
  }

  remoteLogs(text: string): void {
    this.remoteLogText = text;
  }

  remoteId(id: string): void {
    this.log(`Remote prediction: ${id}`);
  }

  started(): void {
    if (this.hasStarted) return;
    this.hasStarted = true;
    this.prediction = { ...this.prediction, status: 'processing', started_at: new Date().toISOString() };
    this.emit({ type: 'started' });
  }

  progress(step: number, totalSteps: number, stepsPerSecond?: number): void {
    const key = `${step}/${totalSteps}`;
    if (key === this.lastProgress) return;
    this.lastProgress = key;
    this.started();
    this.emit({ type: 'progress', phase: 'denoising', step, totalSteps, ...(stepsPerSecond !== undefined ? { stepsPerSecond } : {}) });
  }

  /** The job's place among those waiting (told only when it changes). */
  queued(position: number): void {
    if (this.state !== 'waiting' || position === this.lastPosition) return;
    this.lastPosition = position;
    this.emit({ type: 'queued', position });
  }

  emit(event: JobEvent): void {
    try {
      this.onEvent(event);
    } catch (error) {
      console.error('RemoteGenerator: a job event listener threw', error);
    }
  }

  /** Validates the input now, before the job queues; a refused input ends the job at once. Returns whether it goes on. */
  validate(): boolean {
    const schema = Object.hasOwn(this.deps.client.schemas, this.mode) ? this.deps.client.schemas[this.mode] : undefined;
    try {
      if (!schema) throw new RemoteError('invalid_input', `mode: expected one of ${Object.keys(this.deps.client.schemas).join(', ')}, got ${JSON.stringify(this.mode)}`);
      this.valid = validateRemoteInput(this.request, schema, (settings, image) => this.deps.client.checkInput?.(this.mode, settings, image) ?? []);
      return true;
    } catch (error) {
      this.fail(asRemoteError(error));
      return false;
    }
  }

  /** Canceling a waiting job ends it now; a running one stops through its client (remote cancel, interrupt). */
  cancel(): void {
    this.stopWith('canceled');
  }

  async run(): Promise<void> {
    if (this.state !== 'waiting') return;
    this.state = 'running';
    try {
      this.log(`Backend: ${this.deps.backend.label} (${this.http.baseUrl})`);
      this.emit({ type: 'backend', backend: this.deps.backend });
      const input = await encodeRemoteInput(this.valid!, (line) => this.log(line));
      if (this.stop.aborted) throw this.controller.signal.reason;
      await this.complete(await this.deps.client.run(this, input));
    } catch (error) {
      if (error instanceof JobStopped) this.finishStopped(error.reason);
      else this.fail(asRemoteError(error));
    }
  }

  private stopWith(reason: StopReason): void {
    if (this.controller.signal.aborted || this.state === 'done') return;
    this.controller.abort(new JobStopped(reason));
    // A job still waiting in line has sent nothing to stop: it ends now.
    if (this.state === 'waiting') this.finishStopped(reason);
  }

  private async complete(run: RemoteRun): Promise<void> {
    this.prediction = { ...this.prediction, model: run.model, ...(run.version ? { version: run.version } : {}) };
    if (run.status === 'canceled') return this.finishStopped('canceled');
    if (run.status !== 'succeeded') {
      const error = run.error ?? new RemoteError('remote_failed', `The prediction ended as ${run.status} without an error message.`);
      return this.fail(error, run.status === 'aborted' ? 'aborted' : 'failed', run.metrics);
    }
    // A stop that came too late (the prediction succeeded first) must not lose the outputs it lost the race to.
    const outputs = await fetchOutputs(run.output, this.http, this.stop.aborted ? undefined : this.stop, this.deadline);
    if (outputs.length === 0) this.log('The prediction succeeded without any output');
    const { images, problem } = await decodeImages(outputs);
    if (problem) this.log(problem);
    const settings = this.resultSettings(run.seed);
    if (run.seed !== undefined && !/Using seed:/.test(this.remoteLogText)) this.log(`Using seed: ${run.seed}`);
    const seed = settings.seed;
    // The record keeps the seed that ran, so reusing it reproduces the image (as local records do).
    if (seed !== undefined) this.prediction = { ...this.prediction, input: { ...this.prediction.input, seed } };
    this.finish(
      { status: 'succeeded', output: run.output.map(recordedOutput), metrics: run.metrics },
      { outputs, ...(images ? { images } : {}), ...(seed !== undefined ? { seed, settings: { ...settings, seed } } : {}) },
    );
  }

  /** The settings that ran: the output follows the input image's size where the mode has no width and height. */
  private resultSettings(seed: number | undefined): ResolvedSettings {
    const { settings, image } = this.valid!;
    const sized = image && !this.deps.client.schemas[this.mode].fields.includes('width') ? { ...settings, width: image.width, height: image.height } : settings;
    return { ...sized, seed: seed ?? settings.seed };
  }

  private finishStopped(reason: StopReason): void {
    if (reason === 'canceled') return this.finish({ status: 'canceled' }, {}, 'Canceled');
    this.fail(new RemoteError('timeout', `No result within ${Math.round(this.timing.deadlineMs / 100) / 10} s (the deadline); the job was stopped.`));
  }

  private fail(error: RemoteError, status: 'failed' | 'aborted' = 'failed', metrics?: RemoteRun['metrics']): void {
    const serialized = error.toSerialized((text) => this.http.redact(text));
    this.finish({ status, error: serialized.message, metrics }, { error: serialized }, `Error (${serialized.code}): ${serialized.message}`);
  }

  private finish(completion: Omit<RemoteCompletion, 'completedAt' | 'logs'>, result: Omit<JobResult, 'prediction'>, closingLine?: string): void {
    if (this.state === 'done') return;
    this.state = 'done';
    clearTimeout(this.deadlineTimer);
    // Our lines before the remote's own logs; the closing line (the error, "Canceled") after them.
    const lines = [...this.lines, this.remoteLogText, closingLine ?? ''].filter((line) => line !== '');
    const logs = this.http.redact(lines.join('\n'));
    const prediction = completedRemotePrediction(this.prediction, { ...completion, logs, completedAt: new Date() });
    this.resolve({ prediction, ...result });
  }
}
