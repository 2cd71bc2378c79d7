// EngineHost on the tiny models through onnxruntime-node: the events a job posts, session reuse and release,
// cancel (running and waiting), error codes, the float16 fallback and device loss.
import { afterEach, describe, expect, it } from 'vitest';
import { textToImage } from '../engine';
import { loadTinyModel } from '../../test/tinyModel';
import { nodeModelLoader, tinyModelRef, type CountingLoader, type LoaderHooks } from '../../test/nodeModelLoader';
import { fp16UnsupportedError } from './backendChoice';
import { EngineHost } from './EngineHost';
import type { WorkerEvent, WorkerRequest } from './protocol';

type GenerateRequest = Extract<WorkerRequest, { type: 'generate' }>;

const INPUT = { prompt: 'a red barn', width: 64, height: 64, num_inference_steps: 2, scheduler: 'DDIM', seed: 5 };

function generateRequest(jobId: string, overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    type: 'generate',
    jobId,
    model: tinyModelRef('tiny-sd'),
    backend: 'auto',
    mode: 'text-to-image',
    input: INPUT,
    options: { noiseDevice: 'cpu', maskBlur: 4, previewEvery: 1 },
    ...overrides,
  };
}

let host: EngineHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

/** A host whose posted events are recorded; `onEvent` may react (e.g. cancel) as a worker's caller would. */
function start(hooks: LoaderHooks = {}, onEvent?: (event: WorkerEvent, host: EngineHost) => void) {
  const loader: CountingLoader = nodeModelLoader(hooks);
  const events: WorkerEvent[] = [];
  const transfers: Transferable[][] = [];
  const created = new EngineHost(loader, (event, transfer) => {
    events.push(event);
    transfers.push(transfer);
    onEvent?.(event, created);
  });
  host = created;
  const of = (jobId: string) => events.filter((e) => 'jobId' in e && e.jobId === jobId);
  const last = (jobId: string) => of(jobId).at(-1)!;
  return { host: created, loader, events, transfers, of, last };
}

describe('EngineHost', () => {
  it('loads the model, reports each phase with steps/s and previews, and answers done with transferred images', async () => {
    const { host, events, transfers, of } = start();
    await host.handle(generateRequest('a'));

    const kinds = of('a').map((e) => (e.type === 'progress' ? `${e.phase}:${e.step}/${e.totalSteps}` : e.type));
    expect(kinds).toEqual([
      'loading-model:0/3', 'loading-model:1/3', 'loading-model:2/3', 'loading-model:3/3', 'loaded',
      'encoding-prompt:0/0', 'denoising:0/2', 'denoising:1/2', 'preview', 'denoising:2/2', 'preview', 'decoding:0/0', 'done',
    ]);
    const steps = of('a').filter((e) => e.type === 'progress' && e.phase === 'denoising' && e.step > 0);
    for (const step of steps) expect(step.type === 'progress' && step.stepsPerSecond).toBeGreaterThan(0);

    const done = of('a').at(-1)!;
    if (done.type !== 'done') throw new Error(`expected done, got ${done.type}`);
    expect(done.seed).toBe(5);
    expect(done.backend.label).toBe('Node CPU');
    // The worker runs the engine unchanged: the same pixels as calling it directly with the same input.
    const direct = await loadTinyModel('tiny-sd');
    const expected = await textToImage(direct, INPUT);
    await direct.release();
    expect(Array.from(done.images[0].data)).toEqual(Array.from(expected.images[0].data));
    expect(transfers[events.indexOf(done)]).toEqual([done.images[0].data.buffer]);
    const preview = of('a').find((e) => e.type === 'preview')!;
    expect(transfers[events.indexOf(preview)]).toHaveLength(1);
  });

  it('creates the sessions once and reuses them for later jobs and load requests', async () => {
    const { host, loader, of } = start();
    await host.handle(generateRequest('a'));
    await host.handle(generateRequest('b', { input: { ...INPUT, seed: 6 } }));
    await host.handle({ type: 'load', jobId: 'c', model: tinyModelRef('tiny-sd'), backend: 'auto' });

    expect(loader.loads).toHaveLength(1);
    expect(loader.created).toEqual(['tiny-sd/text_encoder', 'tiny-sd/unet', 'tiny-sd/vae_decoder']);
    expect(of('b').some((e) => e.type === 'loaded' || (e.type === 'progress' && e.phase === 'loading-model'))).toBe(false);
    expect(of('b').at(-1)!.type).toBe('done');
    expect(of('c')).toEqual([{ type: 'loaded', jobId: 'c', backend: expect.objectContaining({ label: 'Node CPU' }) }]);
  });

  it('releases the previous model before loading another one, or the same one on another backend', async () => {
    const { host, loader, last } = start();
    await host.handle({ type: 'load', jobId: 'a', model: tinyModelRef('tiny-sd'), backend: 'auto' });
    await host.handle(generateRequest('b', { model: tinyModelRef('tiny-sd-int64') }));
    expect(last('b').type).toBe('done');
    expect(loader.released.sort()).toEqual(['tiny-sd/text_encoder', 'tiny-sd/unet', 'tiny-sd/vae_decoder']);

    await host.handle(generateRequest('c', { model: tinyModelRef('tiny-sd-int64'), backend: 'wasm' }));
    expect(loader.loads.map((l) => `${l.model.id}:${l.backend}`)).toEqual(['tiny-sd:auto', 'tiny-sd-int64:auto', 'tiny-sd-int64:wasm']);
    expect(loader.released.filter((name) => name.startsWith('tiny-sd-int64/'))).toHaveLength(3);
  });

  it('cancels the running job between steps: canceled, not error, and the next job runs', async () => {
    const { host, of, last } = start({}, (event, target) => {
      if (event.type === 'progress' && event.jobId === 'a' && event.phase === 'denoising' && event.step === 1) {
        void target.handle({ type: 'cancel', jobId: 'a' });
      }
    });
    await host.handle(generateRequest('a', { input: { ...INPUT, num_inference_steps: 4 } }));
    expect(last('a')).toEqual({ type: 'canceled', jobId: 'a' });
    expect(of('a').some((e) => e.type === 'progress' && e.phase === 'denoising' && e.step === 2)).toBe(false);

    await host.handle(generateRequest('b'));
    expect(last('b').type).toBe('done');
  });

  it('cancels a job still waiting behind another: it never starts', async () => {
    const { host, of, last } = start();
    void host.handle(generateRequest('a'));
    void host.handle(generateRequest('b'));
    await host.handle({ type: 'cancel', jobId: 'b' });
    expect(last('a').type).toBe('done');
    expect(of('b')).toEqual([{ type: 'canceled', jobId: 'b' }]);
  });

  it('reports validation errors with every failing field', async () => {
    const { host, last } = start();
    await host.handle(generateRequest('a', { input: { ...INPUT, width: 500, num_inference_steps: 0 } }));
    const event = last('a');
    if (event.type !== 'error') throw new Error(`expected error, got ${event.type}`);
    expect(event.error.code).toBe('invalid_input');
    expect(event.error.fieldErrors?.map((e) => e.field).sort()).toEqual(['num_inference_steps', 'width']);
  });

  it('reports a broken export as model_contract and a missing WebGPU as no_adapter', async () => {
    const { host, last } = start();
    await host.handle(generateRequest('a', { model: { id: 'nothing', baseUrl: '/models/no-such-model/' } }));
    await host.handle(generateRequest('b', { backend: 'webgpu' }));
    expect(last('a')).toMatchObject({ type: 'error', error: { code: 'model_contract', name: 'ModelContractError' } });
    expect(last('b')).toMatchObject({ type: 'error', error: { code: 'no_adapter' } });
  });

  it("on 'auto', reloads a model whose graphs need shader-f16 as float16 (WASM) and keeps it so", async () => {
    const refuseFloat16OnGpu: LoaderHooks['onCreateSession'] = (_component, model) => {
      if (model.dtype !== 'float16') throw fp16UnsupportedError();
    };
    const { host, loader, last } = start({ onCreateSession: refuseFloat16OnGpu });
    await host.handle(generateRequest('a'));
    await host.handle(generateRequest('b'));
    expect(last('a').type).toBe('done');
    expect(last('b').type).toBe('done');
    expect(loader.loads.map((l) => l.model.dtype ?? 'unknown')).toEqual(['unknown', 'float16']);
  });

  it('does not fall back from an explicitly chosen backend', async () => {
    const { host, last } = start({ onCreateSession: () => { throw fp16UnsupportedError(); } });
    await host.handle(generateRequest('a', { backend: 'wasm' }));
    expect(last('a')).toMatchObject({ type: 'error', error: { code: 'fp16_unsupported' } });
  });

  it('fails the running job with device_lost at once when the GPU device is lost, and releases its sessions', async () => {
    let loseDevice!: (message: string) => void;
    const deviceLost = new Promise<string>((resolve) => (loseDevice = resolve));
    const { host, loader, of } = start({ deviceLost }, (event) => {
      if (event.type === 'progress' && event.phase === 'denoising' && event.step === 1) loseDevice('GPU reset');
    });
    await host.handle(generateRequest('a', { input: { ...INPUT, num_inference_steps: 4 } }));
    const terminal = of('a').filter((e) => ['done', 'error', 'canceled'].includes(e.type));
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toMatchObject({ type: 'error', error: { code: 'device_lost' } });
    expect((terminal[0] as Extract<WorkerEvent, { type: 'error' }>).error.message).toContain('GPU reset');
    expect(loader.released.sort()).toEqual(['tiny-sd/text_encoder', 'tiny-sd/unet', 'tiny-sd/vae_decoder']);
  });

  it('posts device-lost when the device goes while no job runs', async () => {
    let loseDevice!: (message: string) => void;
    const deviceLost = new Promise<string>((resolve) => (loseDevice = resolve));
    const { host, events } = start({ deviceLost });
    await host.handle({ type: 'load', jobId: 'a', model: tinyModelRef('tiny-sd'), backend: 'auto' });
    loseDevice('destroyed');
    await deviceLost;
    await Promise.resolve();
    expect(events.at(-1)).toMatchObject({ type: 'device-lost', message: expect.stringContaining('destroyed') });
  });
});
