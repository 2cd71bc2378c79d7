// Replicate's prediction API (also behind aggregator hosts under another base, e.g. https://HOST/replicate):
// create with `Prefer: wait` (held no longer than the deadline allows), poll {base}/v1/predictions/{id} — never
// `urls.get`, which proxies leave pointing upstream — until a terminal status, progress and seed from the logs,
// cancel through POST .../cancel (a cancel that loses the race keeps the outputs).
import type { GenerationMode, PredictionMetrics } from '../../predictions/PredictionInput';
import { REPLICATE_VERSIONS } from '../../predictions/modelSchemas';
import { JobStopped, sleepUnlessStopped, type StopReason } from './jobStop';
import { outputList } from './outputFiles';
import type { RemoteClient, RemoteJobContext, RemoteRun } from './RemoteClient';
import { asRemoteError, RemoteError } from './RemoteError';
import type { RemoteInput } from './remoteInput';
import { replicateSchemas } from './remoteSchemas';
import { progressFromLogs, seedFromLogs } from './replicateLogs';
import { errorFromResponse } from './responseError';

/** How long the create may hold for the result (Replicate allows 1–60 s); short, so progress shows on longer runs. */
export const PREFER_WAIT_S = 5;

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

interface ReplicatePrediction {
  id: string;
  /** Kept as a string: a status this client does not know is not terminal. */
  status: string;
  model?: string;
  version?: string;
  output?: unknown;
  error?: unknown;
  logs?: string;
  metrics?: PredictionMetrics;
}

function readPrediction(body: unknown, what: string): ReplicatePrediction {
  const p = body as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object' || typeof p.id !== 'string' || typeof p.status !== 'string') {
    throw new RemoteError('server_error', `${what}: expected a prediction (with id and status), got ${p === undefined ? 'no JSON' : 'something else'}.`);
  }
  const metrics: PredictionMetrics = {};
  for (const [name, value] of Object.entries((p.metrics as Record<string, unknown> | undefined) ?? {})) if (typeof value === 'number') metrics[name] = value;
  return {
    id: p.id,
    status: p.status,
    model: typeof p.model === 'string' ? p.model : undefined,
    version: typeof p.version === 'string' ? p.version : undefined,
    output: p.output,
    error: p.error,
    logs: typeof p.logs === 'string' ? p.logs : '',
    metrics,
  };
}

const errorText = (error: unknown) => (error === null || error === undefined || error === '' ? undefined : typeof error === 'string' ? error : JSON.stringify(error));

/** The input as Replicate's model takes it: the mode's own fields, defaults applied, images as data URLs. */
function replicateInput(input: RemoteInput, fields: readonly string[]): Record<string, unknown> {
  const s = input.settings;
  const wire: Record<string, unknown> = { prompt: s.prompt };
  if (s.negative_prompt) wire.negative_prompt = s.negative_prompt;
  for (const name of ['width', 'height', 'prompt_strength'] as const) if (fields.includes(name)) wire[name] = s[name];
  Object.assign(wire, { scheduler: s.scheduler, num_outputs: s.num_outputs, guidance_scale: s.guidance_scale, num_inference_steps: s.num_inference_steps });
  if (s.seed !== undefined) wire.seed = s.seed;
  if (input.image) wire.image = input.image.dataUrl;
  if (input.mask) wire.mask = input.mask.dataUrl;
  return wire;
}

export class ReplicateClient implements RemoteClient {
  readonly label = 'Replicate';
  readonly concurrency = Infinity;
  readonly schemas = replicateSchemas();

  /** REPLICATE_VERSIONS holds `owner/name:version`; the API's `version` is the 64-hex id after the colon. */
  modelOf(mode: GenerationMode): { model: string; version: string } {
    const [model, version] = REPLICATE_VERSIONS[mode].split(':');
    return { model, version };
  }

  async run(job: RemoteJobContext, input: RemoteInput): Promise<RemoteRun> {
    const { version } = this.modelOf(job.mode);
    let prediction = await this.create(job, { version, input: replicateInput(input, this.schemas[job.mode].fields) });
    job.remoteId(prediction.id);
    try {
      for (let interval = job.timing.pollMs; ; ) {
        this.observe(job, prediction);
        if (TERMINAL.has(prediction.status)) return this.ended(job, prediction);
        const reason = job.stopReason();
        if (reason) return await this.stopRemote(job, prediction.id, reason);
        await sleepUnlessStopped(interval, job.stop);
        if (job.stopReason()) continue;
        try {
          const next = await this.read(job, prediction.id, job.stop);
          const changed = next.status !== prediction.status || next.logs !== prediction.logs;
          // Poll briskly while something happens, back off while nothing does.
          interval = changed ? job.timing.pollMs : Math.min(job.timing.maxPollMs, interval * 2);
          prediction = next;
        } catch (error) {
          if (!(error instanceof JobStopped)) throw error;
        }
      }
    } catch (error) {
      // We lost track of a prediction that may still run (and bill): ask the server to stop it, without waiting.
      if (asRemoteError(error).code !== 'not_found') void this.cancel(job, prediction.id).catch(() => undefined);
      throw error;
    }
  }

  private async create(job: RemoteJobContext, body: unknown): Promise<ReplicatePrediction> {
    const what = 'Creating the Replicate prediction';
    // The hold must end before our deadline does: whole seconds left, at most PREFER_WAIT_S, none under 1 s.
    const waitS = Math.min(PREFER_WAIT_S, Math.floor((job.deadline - Date.now()) / 1000));
    const headers: Record<string, string> = waitS >= 1 ? { Prefer: `wait=${waitS}` } : {};
    const answer = await job.http.json(
      { method: 'POST', path: '/v1/predictions', json: body, headers, retry: 'create', signal: job.stop, keepInFlight: true, timeoutMs: job.timing.requestMs + Math.max(0, waitS) * 1000, deadline: job.deadline },
      what,
    );
    return readPrediction(answer, what);
  }

  private async read(job: RemoteJobContext, id: string, signal?: AbortSignal): Promise<ReplicatePrediction> {
    const what = `Reading the Replicate prediction ${id}`;
    const answer = await job.http.json({ method: 'GET', path: `/v1/predictions/${encodeURIComponent(id)}`, retry: 'read', signal, deadline: job.deadline }, what);
    return readPrediction(answer, what);
  }

  private cancel(job: RemoteJobContext, id: string) {
    return job.http.send({ method: 'POST', path: `/v1/predictions/${encodeURIComponent(id)}/cancel`, retry: 'read', deadline: Date.now() + job.timing.requestMs });
  }

  private observe(job: RemoteJobContext, prediction: ReplicatePrediction): void {
    if (prediction.status === 'processing' || prediction.status === 'succeeded') job.started();
    job.remoteLogs(prediction.logs ?? '');
    const progress = progressFromLogs(prediction.logs ?? '');
    if (progress) job.progress(progress.step, progress.totalSteps, progress.stepsPerSecond);
  }

  private ended(job: RemoteJobContext, p: ReplicatePrediction): RemoteRun {
    const base = { ...this.modelOf(job.mode), ...(p.model ? { model: p.model } : {}), ...(p.version ? { version: p.version } : {}), metrics: p.metrics, output: [] as string[] };
    switch (p.status) {
      case 'succeeded':
        return { ...base, status: 'succeeded', output: outputList(p.output), seed: seedFromLogs(p.logs ?? '') };
      case 'failed':
        return { ...base, status: 'failed', error: new RemoteError('remote_failed', errorText(p.error) ?? 'The prediction failed without an error message.') };
      case 'aborted':
        return { ...base, status: 'aborted', error: new RemoteError('aborted', `The server gave up on the prediction (status aborted)${errorText(p.error) ? `: ${errorText(p.error)}` : ''}.`) };
      default:
        if (job.stopReason() === 'timeout') return { ...base, status: 'failed', error: this.timeoutError(job, true) };
        return { ...base, status: 'canceled' };
    }
  }

  private timeoutError(job: RemoteJobContext, canceled: boolean): RemoteError {
    const seconds = Math.round(job.timing.deadlineMs / 100) / 10;
    return new RemoteError('timeout', `No result within ${seconds} s (the deadline); ${canceled ? 'the remote prediction was canceled' : 'canceling the remote prediction failed'}.`);
  }

  /**
   * Cancels the remote prediction. A user's cancel then polls until it is canceled (bounded by the deadline); our
   * deadline does not wait. Either way a prediction that finished first keeps its outputs.
   */
  private async stopRemote(job: RemoteJobContext, id: string, reason: StopReason): Promise<RemoteRun> {
    job.log(reason === 'canceled' ? 'Canceling the remote prediction' : 'The deadline passed: canceling the remote prediction');
    let latest: ReplicatePrediction | undefined;
    let cancelAccepted = false;
    try {
      const answer = await this.cancel(job, id);
      if (answer.status >= 200 && answer.status < 300) {
        cancelAccepted = true;
        latest = answer.body === undefined ? undefined : readPrediction(answer.body, 'Canceling the prediction');
      } else if (answer.status === 409) {
        job.log('The prediction could not be canceled any more (HTTP 409): reading how it ended');
      } else {
        job.log(`The cancel request failed: ${errorFromResponse(answer, 'Canceling the prediction').message}`);
      }
      latest ??= await this.read(job, id).catch(() => undefined);
    } catch (error) {
      job.log(`The cancel request failed: ${asRemoteError(error).message}`);
    }
    for (let interval = job.timing.pollMs; reason === 'canceled' && latest && !TERMINAL.has(latest.status) && Date.now() + interval < job.deadline; interval = Math.min(job.timing.maxPollMs, interval * 2)) {
      await sleepUnlessStopped(interval);
      latest = (await this.read(job, id).catch(() => undefined)) ?? latest;
    }
    if (latest) this.observe(job, latest);
    if (latest?.status === 'succeeded') {
      job.log('The prediction finished before the cancel reached it: its outputs are kept');
      return this.ended(job, latest);
    }
    const base = { ...this.modelOf(job.mode), output: [], metrics: latest?.metrics };
    if (reason === 'timeout') return { ...base, status: 'failed', error: this.timeoutError(job, cancelAccepted || latest?.status === 'canceled') };
    return { ...base, status: 'canceled' };
  }
}
