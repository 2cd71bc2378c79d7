// LocalGenerator with an in-process "worker" (a real EngineHost on onnxruntime-node behind asynchronous, cloned
// messages): FIFO queue and positions, cancel before and while running, prediction records, preload, and recovery
// from a crashed worker and a lost GPU device.
import { afterEach, describe, expect, it } from 'vitest';
import { nodeModelLoader, tinyModelRef, type CountingLoader } from '../../test/nodeModelLoader';
import { EngineHost } from '../worker/EngineHost';
import type { WorkerEvent, WorkerRequest } from '../worker/protocol';
import type { GenerationRequest, JobEvent } from './Generator';
import { LocalGenerator, type EngineWorker } from './LocalGenerator';

class InProcessWorker implements EngineWorker {
  onmessage: EngineWorker['onmessage'] = null;
  onerror: EngineWorker['onerror'] = null;
  onmessageerror: EngineWorker['onmessageerror'] = null;
  terminated = false;
  readonly received: WorkerRequest[] = [];
  private readonly host: EngineHost;

  constructor(readonly loader: CountingLoader) {
    // Messages arrive later and as copies, as they do across a real worker boundary.
    this.host = new EngineHost(loader, (event) =>
      setTimeout(() => !this.terminated && this.onmessage?.(new MessageEvent('message', { data: structuredClone(event) }))),
    );
  }
  postMessage(message: WorkerRequest): void {
    if (this.terminated) return;
    this.received.push(message);
    void this.host.handle(structuredClone(message));
  }
  terminate(): void {
    this.terminated = true;
    void this.host.dispose();
  }
  crash(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as unknown as ErrorEvent);
  }
}

const REQUEST: GenerationRequest = {
  mode: 'text-to-image',
  input: { prompt: 'a red barn', width: 64, height: 64, num_inference_steps: 2, scheduler: 'DDIM', seed: 5 },
  options: { noiseDevice: 'cpu', maskBlur: 4, previewEvery: 0 },
};
const withInput = (input: GenerationRequest['input']): GenerationRequest => ({ ...REQUEST, input: { ...REQUEST.input, ...input } });

let generator: LocalGenerator | undefined;
afterEach(() => generator?.dispose());

/** A generator whose workers are in-process; `lossFor(n)` is the device-loss trigger of the n-th worker. */
function setup() {
  const workers: InProcessWorker[] = [];
  const losses: Array<(message: string) => void> = [];
  const created = new LocalGenerator({
    model: tinyModelRef('tiny-sd'),
    createWorker: () => {
      const deviceLost = new Promise<string>((resolve) => losses.push(resolve));
      const worker = new InProcessWorker(nodeModelLoader({ deviceLost }));
      workers.push(worker);
      return worker;
    },
  });
  generator = created;
  return { generator: created, workers, loseDevice: (worker: number, message: string) => losses[worker](message) };
}

function recorder() {
  const events: JobEvent[] = [];
  return { events, onEvent: (event: JobEvent) => events.push(event) };
}

describe('LocalGenerator', () => {
  it('runs jobs one at a time in submission order, telling waiting jobs their place in the queue', async () => {
    const { generator, workers } = setup();
    const order: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => {
      const { events, onEvent } = recorder();
      const handle = generator.submit(withInput({ seed: name.charCodeAt(0) }), (event) => {
        if (event.type === 'started') order.push(name);
        onEvent(event);
      });
      return { handle, events };
    });
    const results = await Promise.all([a, b, c].map((job) => job.handle.result));

    expect(order).toEqual(['a', 'b', 'c']);
    expect(a.events.some((e) => e.type === 'queued')).toBe(false);
    expect(b.events.filter((e) => e.type === 'queued')).toEqual([{ type: 'queued', position: 1 }]);
    expect(c.events.filter((e) => e.type === 'queued')).toEqual([{ type: 'queued', position: 2 }, { type: 'queued', position: 1 }]);
    expect(results.map((r) => r.prediction.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // Each job's start waits for the previous job's end.
    expect(Date.parse(results[1].prediction.started_at!)).toBeGreaterThanOrEqual(Date.parse(results[0].prediction.completed_at!));
    expect(workers).toHaveLength(1);
    expect(workers[0].loader.loads).toHaveLength(1);
  });

  it('resolves with the images, the seed and a Prediction record of the run', async () => {
    const { generator } = setup();
    const { events, onEvent } = recorder();
    const input = { ...REQUEST.input, seed: 42 };
    const result = await generator.submit({ ...REQUEST, input }, onEvent).result;

    expect(result.images).toHaveLength(1);
    expect(result.images![0]).toMatchObject({ width: 64, height: 64 });
    expect(result.seed).toBe(42);
    const { prediction } = result;
    expect(prediction).toMatchObject({ model: 'tiny-sd', input, status: 'succeeded', error: null, output: null, backend: 'local · Node CPU' });
    expect(prediction.logs.split('\n')).toEqual(expect.arrayContaining(['Backend: Node CPU', 'Using seed: 42', 'Denoising: 2 steps']));
    expect(prediction.metrics.predict_time).toBeGreaterThan(0);
    expect(prediction.metrics.total_time).toBeGreaterThanOrEqual(prediction.metrics.predict_time!);
    expect(Date.parse(prediction.completed_at!)).toBeGreaterThanOrEqual(Date.parse(prediction.created_at));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['started', 'backend', 'progress']));
    expect(events.some((e) => e.type === 'progress' && e.phase === 'denoising' && e.step === 2 && e.stepsPerSecond! > 0)).toBe(true);
  });

  it('records the seed a random-seed job picked, so reusing the record reproduces the image', async () => {
    const { generator } = setup();
    const { seed: _omitted, ...withoutSeed } = REQUEST.input;
    const first = await generator.submit({ ...REQUEST, input: withoutSeed }, () => undefined).result;
    expect(first.prediction.input.seed).toBe(first.seed);
    const replay = await generator.submit({ ...REQUEST, input: { ...withoutSeed, seed: first.prediction.input.seed } }, () => undefined).result;
    expect(Array.from(replay.images![0].data)).toEqual(Array.from(first.images![0].data));
  });

  it('cancels a queued job without sending it to the worker, and a running job between steps', async () => {
    const { generator, workers } = setup();
    const running = generator.submit(withInput({ num_inference_steps: 6 }), (event) => {
      if (event.type === 'progress' && event.phase === 'denoising' && event.step === 1) running.cancel();
    });
    const queued = generator.submit(REQUEST, () => undefined);
    queued.cancel();
    const [first, second] = await Promise.all([running.result, queued.result]);

    expect(second.prediction.status).toBe('canceled');
    expect(second.prediction.metrics.predict_time).toBeUndefined();
    expect(first.prediction.status).toBe('canceled');
    expect(first.prediction.logs.split('\n').at(-1)).toBe('Canceled');
    expect(first.images).toEqual([]);
    expect(workers[0].received.filter((m) => m.type === 'generate').map((m) => m.jobId)).toEqual([running.id]);
  });

  it('resolves a failure as a failed prediction carrying the error code and field errors', async () => {
    const { generator } = setup();
    const result = await generator.submit(withInput({ width: 500 }), () => undefined).result;
    expect(result.prediction.status).toBe('failed');
    expect(result.prediction.error).toContain('width');
    expect(result.error?.code).toBe('invalid_input');
    expect(result.error?.fieldErrors?.[0].field).toBe('width');
  });

  it('fails the running job as worker_crashed when the worker dies, and runs the next job on a fresh worker', async () => {
    const { generator, workers } = setup();
    const first = generator.submit(withInput({ num_inference_steps: 4 }), (event) => {
      if (event.type === 'progress' && event.phase === 'denoising' && event.step === 1) workers[0].crash('RuntimeError: unreachable');
    });
    const second = generator.submit(REQUEST, () => undefined);
    const crashed = await first.result;
    expect(crashed.prediction.status).toBe('failed');
    expect(crashed.error).toMatchObject({ code: 'worker_crashed', message: expect.stringContaining('unreachable') });
    expect((await second.result).prediction.status).toBe('succeeded');
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);
  });

  it('restarts the worker before the next job after a GPU device loss, during a job or while idle', async () => {
    const { generator, workers, loseDevice } = setup();
    const lostDuringJob = await generator.submit(withInput({ num_inference_steps: 4 }), (event) => {
      if (event.type === 'progress' && event.phase === 'denoising' && event.step === 1) loseDevice(0, 'GPU hung');
    }).result;
    expect(lostDuringJob.error?.code).toBe('device_lost');

    expect((await generator.submit(REQUEST, () => undefined).result).prediction.status).toBe('succeeded');
    expect(workers).toHaveLength(2);
    expect(workers[0].terminated).toBe(true);

    loseDevice(1, 'destroyed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await generator.submit(REQUEST, () => undefined).result).prediction.status).toBe('succeeded');
    expect(workers).toHaveLength(3);
  });

  it('preloads a model so the backend shows before the first job, and later jobs use it', async () => {
    const { generator, workers } = setup();
    const seen: string[] = [];
    generator.onBackendChange((backend) => seen.push(backend.label));
    const backend = await generator.prepare(tinyModelRef('tiny-sd-int64'), 'auto');
    expect(backend.label).toBe('Node CPU');
    expect(generator.backendInfo()).toEqual(backend);
    expect(seen).toEqual(['Node CPU']);

    const result = await generator.submit(REQUEST, () => undefined).result;
    expect(result.prediction.model).toBe('tiny-sd-int64');
    expect(workers[0].loader.loads.map((l) => l.model.id)).toEqual(['tiny-sd-int64']);

    await expect(generator.prepare(tinyModelRef('tiny-sd'), 'webgpu')).rejects.toMatchObject({ name: 'LocalEngineError', code: 'no_adapter' });
  });

  it('cancels everything and stops the worker on dispose', async () => {
    const { generator, workers } = setup();
    const running = generator.submit(REQUEST, () => undefined);
    const queued = generator.submit(REQUEST, () => undefined);
    generator.dispose();
    expect((await running.result).prediction.status).toBe('canceled');
    expect((await queued.result).prediction.status).toBe('canceled');
    expect(workers[0].terminated).toBe(true);
  });
});

/** A worker that accepts a job, reports one step, then hangs: it never answers again, not even a cancel. */
class HungWorker implements EngineWorker {
  onmessage: EngineWorker['onmessage'] = null;
  onerror: EngineWorker['onerror'] = null;
  onmessageerror: EngineWorker['onmessageerror'] = null;
  terminated = false;
  postMessage(message: WorkerRequest): void {
    if (message.type !== 'generate') return;
    const progress: WorkerEvent = { type: 'progress', jobId: message.jobId, phase: 'denoising', step: 1, totalSteps: 500 };
    setTimeout(() => this.onmessage?.(new MessageEvent('message', { data: progress })));
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('LocalGenerator with a hung worker', () => {
  it('ends a job as canceled when its cancel is not acknowledged in time, and starts a fresh worker for the next job', async () => {
    const workers: HungWorker[] = [];
    generator = new LocalGenerator({ model: tinyModelRef('tiny-sd'), createWorker: () => (workers.push(new HungWorker()), workers.at(-1)!) });
    const events: JobEvent[] = [];
    const handle = generator.submit(REQUEST, (event) => events.push(event));
    await expect.poll(() => events.some((event) => event.type === 'progress')).toBe(true);
    const asked = performance.now();
    handle.cancel();
    const result = await handle.result;
    expect(result.prediction.status).toBe('canceled');
    expect(performance.now() - asked).toBeGreaterThanOrEqual(4900);
    expect(result.prediction.logs).toContain('The engine did not stop within 5 s; it was restarted.');
    expect(workers[0].terminated).toBe(true);
    generator.submit(REQUEST, () => undefined);
    expect(workers).toHaveLength(2);
  }, 15_000);
});
