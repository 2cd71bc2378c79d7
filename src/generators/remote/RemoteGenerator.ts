// The Generator for a remote API: jobs validated at submit, then run as the client allows (Replicate and the v3 API
// in parallel, AUTOMATIC1111 one at a time since its progress and interrupt are server-wide), waiting jobs told
// their place in line, and the backend reported as "remote · <API>".
import type { BackendInfo, BackendPreference, ModelRef } from '../../predictions/backends';
import type { ModeSchemas } from '../../predictions/modelSchemas';
import type { GenerationRequest, Generator, JobEvent, JobHandle } from '../Generator';
import type { RemoteClient } from './RemoteClient';
import type { ResolvedTiming } from './remoteConfig';
import type { RemoteHttp } from './RemoteHttp';
import { RemoteJob } from './RemoteJob';

export class RemoteGenerator implements Generator {
  readonly name: string;
  private readonly backend: BackendInfo;
  private readonly listeners = new Set<(backend: BackendInfo) => void>();
  private readonly waiting: RemoteJob[] = [];
  private readonly running = new Set<RemoteJob>();
  private disposed = false;

  constructor(private readonly client: RemoteClient, private readonly http: RemoteHttp, private readonly timing: ResolvedTiming) {
    this.backend = { kind: 'remote', label: client.label, reasons: [], threads: 0 };
    this.name = `remote · ${client.label}`;
  }

  /** The API's own schemas; a local model's profile does not apply to the model the remote runs. */
  modeSchemas(_model?: ModelRef): ModeSchemas {
    return { ...this.client.schemas };
  }

  /** Nothing to load: says what will run the jobs. Reachability shows on the first job, with a precise error code. */
  prepare(_model?: ModelRef, _backend?: BackendPreference): Promise<BackendInfo> {
    if (this.disposed) return Promise.reject(new Error('RemoteGenerator: used after dispose()'));
    for (const listener of this.listeners) listener(this.backend);
    return Promise.resolve(this.backend);
  }

  onBackendChange(listener: (backend: BackendInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit(request: GenerationRequest, onEvent: (event: JobEvent) => void): JobHandle {
    if (this.disposed) throw new Error('RemoteGenerator: used after dispose()');
    const job = new RemoteJob(request, onEvent, { client: this.client, http: this.http, timing: this.timing, backend: this.backend, backendName: this.name });
    if (job.validate()) {
      this.waiting.push(job);
      this.startWaiting();
      this.announcePositions();
    }
    return { id: job.id, cancel: () => this.cancel(job), result: job.result };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const job of [...this.waiting, ...this.running]) job.cancel();
    this.waiting.length = 0;
  }

  private cancel(job: RemoteJob): void {
    job.cancel();
    this.announcePositions();
  }

  private startWaiting(): void {
    while (this.running.size < this.client.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running.add(job);
      void job.run().finally(() => {
        this.running.delete(job);
        this.startWaiting();
        this.announcePositions();
      });
    }
  }

  private announcePositions(): void {
    // Jobs that ended while waiting (canceled, past their deadline) give up their place.
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].isDone) this.waiting.splice(i, 1);
    this.waiting.forEach((job, i) => job.queued(i + 1));
  }
}
