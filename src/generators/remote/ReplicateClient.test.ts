// The Replicate client against a scripted server: create with the version id and the bearer token, polling our own
// base (never urls.get), progress and seed from the logs, every error code, the retry rules (a create is re-sent
// only after a 429), Prefer: wait, cancel and a cancel that loses the race, and our deadline.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replicatePrediction, startScriptedApiServer, tqdmLine, type ScriptedApiServer } from '../../../test/support/scriptedApiServer';
import type { GenerateOptions } from '../../predictions/backends';
import type { GenerationRequest, JobEvent } from '../Generator';
import { createRemoteGenerator, type RemoteTiming } from './index';

const TOKEN = 'r8_Secret_Token_0123456789';
const TIMING: RemoteTiming = { pollMs: 5, maxPollMs: 20, deadlineMs: 5000, requestMs: 2000 };
const VERSION = 'ac732df83cea7fff18b8472768c88ad041fa750ff7682a21affe81863cbe77e4';
const REQUEST: GenerationRequest = {
  mode: 'text-to-image',
  input: { prompt: 'a red barn', width: 512, height: 512, num_inference_steps: 20 },
  options: {} as GenerateOptions,
};
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let server: ScriptedApiServer;
beforeAll(async () => {
  server = await startScriptedApiServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

function submit(options: { request?: GenerationRequest; timing?: RemoteTiming; baseUrl?: string; onEvent?: (event: JobEvent, cancel: () => void) => void } = {}) {
  const generator = createRemoteGenerator({ api: 'replicate', baseUrl: options.baseUrl ?? server.url, token: TOKEN, timing: { ...TIMING, ...options.timing } });
  const events: JobEvent[] = [];
  const handle = generator.submit(options.request ?? REQUEST, (event) => {
    events.push(event);
    options.onEvent?.(event, () => handle.cancel());
  });
  return { handle, events, result: handle.result };
}

const created = (id = 'p1', status = 'starting') => ({ status: 201, json: replicatePrediction({ id, status }) });
const succeeded = (id = 'p1', extra: { logs?: string; output?: unknown } = {}) =>
  ({ json: replicatePrediction({ id, status: 'succeeded', output: [`${server.url}/files/out-0.png`], ...extra }) });
const serveOutput = () => server.script('GET /files/out-0.png', { body: PNG, headers: { 'Content-Type': 'image/png' } });

describe('Replicate client', () => {
  it('creates with the version id and the token, polls our base (not urls.get), reports progress and the seed, and downloads the outputs', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', [
      { json: replicatePrediction({ id: 'p1', status: 'processing', logs: `Using seed: 4242\n${tqdmLine(5, 20)}` }) },
      { json: replicatePrediction({ id: 'p1', status: 'processing', logs: `Using seed: 4242\n${tqdmLine(5, 20)}\r${tqdmLine(10, 20, 4)}` }) },
      succeeded('p1', { logs: `Using seed: 4242\n${tqdmLine(20, 20)}` }),
    ]);
    serveOutput();
    const { result, events } = submit();
    const { prediction, outputs, seed, settings, images, error } = await result;

    expect(error).toBeUndefined();
    const [create] = server.requestsTo('POST /v1/predictions');
    expect(create.json).toEqual({
      version: VERSION,
      input: { prompt: 'a red barn', width: 512, height: 512, scheduler: 'DPMSolverMultistep', num_outputs: 1, guidance_scale: 7.5, num_inference_steps: 20 },
    });
    expect(create.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // urls.get said https://api.replicate.com: every poll still came here.
    expect(server.requestsTo('GET /v1/predictions/p1')).toHaveLength(3);
    expect(prediction).toMatchObject({ status: 'succeeded', backend: 'remote · Replicate', model: 'stability-ai/stable-diffusion', version: VERSION, error: null });
    expect(prediction.output).toEqual([`${server.url}/files/out-0.png`]);
    expect(prediction.logs).toContain('Using seed: 4242');
    expect(prediction.input.seed).toBe(4242);
    expect(seed).toBe(4242);
    expect(settings).toMatchObject({ seed: 4242, width: 512, num_inference_steps: 20 });
    expect(outputs).toHaveLength(1);
    expect(new Uint8Array(await outputs![0].arrayBuffer())).toEqual(PNG);
    expect(outputs![0].type).toBe('image/png');
    expect(images).toBeUndefined(); // Node has no image decoder
    expect(events[0]).toEqual({ type: 'backend', backend: { kind: 'remote', label: 'Replicate', reasons: [], threads: 0 } });
    expect(events.filter((e) => e.type === 'progress')).toEqual([
      { type: 'progress', phase: 'denoising', step: 5, totalSteps: 20, stepsPerSecond: 9.8 },
      { type: 'progress', phase: 'denoising', step: 10, totalSteps: 20, stepsPerSecond: 4 },
      { type: 'progress', phase: 'denoising', step: 20, totalSteps: 20, stepsPerSecond: 9.8 },
    ]);
    expect(events.filter((e) => e.type === 'started')).toHaveLength(1);
  });

  it('works behind an aggregator host under another base path', async () => {
    server.script('POST /replicate/v1/predictions', created());
    server.script('GET /replicate/v1/predictions/p1', succeeded());
    serveOutput();
    const { result } = submit({ baseUrl: `${server.url}/replicate/` });
    expect((await result).prediction.status).toBe('succeeded');
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /replicate/v1/predictions', 'GET /replicate/v1/predictions/p1', 'GET /files/out-0.png']);
  });

  it.each([
    [401, 'unauthenticated', { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 }],
    [402, 'payment_required', { title: 'Payment required', detail: 'You have insufficient credit', status: 402 }],
    [422, 'not_found', { title: 'Invalid version or not permitted', detail: 'The specified version does not exist', status: 422 }],
  ])('maps a %i on create to %s without retrying it', async (status, code, json) => {
    server.script('POST /v1/predictions', { status, json });
    const { result } = submit();
    const { prediction, error } = await result;
    expect(error).toMatchObject({ code, message: expect.stringContaining(json.detail) });
    expect(prediction).toMatchObject({ status: 'failed', error: error!.message });
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 422 with invalid_fields to invalid_input with field errors', async () => {
    server.script('POST /v1/predictions', {
      status: 422,
      json: { title: 'Input validation failed', status: 422, invalid_fields: [{ type: 'greater_than_equal', field: 'input.num_inference_steps', description: 'must be at least 1' }] },
    });
    const { error } = await submit().result;
    expect(error?.code).toBe('invalid_input');
    expect(error?.fieldErrors).toEqual([{ field: 'num_inference_steps', expected: 'must be at least 1', got: expect.any(String), message: 'num_inference_steps: must be at least 1' }]);
  });

  it('re-sends a create answered 429 (it was not accepted), and honours Retry-After on a GET', async () => {
    server.script('POST /v1/predictions', [{ status: 429, json: { title: 'Too many requests', status: 429 } }, created()]);
    server.script('GET /v1/predictions/p1', [{ status: 429, headers: { 'Retry-After': '1' }, json: { detail: 'slow down' } }, succeeded()]);
    serveOutput();
    const { prediction } = await submit().result;
    expect(prediction.status).toBe('succeeded');
    expect(server.requestsTo('POST /v1/predictions')).toHaveLength(2);
    const [limited, retried] = server.requestsTo('GET /v1/predictions/p1');
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up as rate_limited after a few 429s', async () => {
    server.script('POST /v1/predictions', { status: 429, json: { detail: 'Request was throttled.' } });
    const { error } = await submit().result;
    expect(error?.code).toBe('rate_limited');
    expect(server.requestsTo('POST /v1/predictions')).toHaveLength(5);
  });

  it('retries a GET after a 503, and reads prediction status from our base only', async () => {
    server.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p1', status: 'processing', upstream: 'http://upstream.invalid' }) });
    server.script('GET /v1/predictions/p1', [{ status: 503, body: 'busy' }, succeeded()]);
    serveOutput();
    const { prediction } = await submit().result;
    expect(prediction.status).toBe('succeeded');
    expect(server.requestsTo('GET /v1/predictions/p1')).toHaveLength(2);
  });

  it('gives every request a timeout: a GET that does not answer in time is tried again', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', [{ delayMs: 400, json: replicatePrediction({ id: 'p1', status: 'processing' }) }, succeeded()]);
    serveOutput();
    const { prediction } = await submit({ timing: { requestMs: 100 } }).result;
    expect(prediction.status).toBe('succeeded');
    const [slow, retried] = server.requestsTo('GET /v1/predictions/p1');
    expect(retried.at - slow.at).toBeLessThan(350);
  });

  it('never re-POSTs a create that failed with a 5xx (an HTML 502 page becomes server_error) or a lost connection', async () => {
    server.script('POST /v1/predictions', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'Content-Type': 'text/html' } });
    const html = await submit().result;
    expect(html.error).toMatchObject({ code: 'server_error', message: expect.stringContaining('HTML') });
    expect(server.requestsTo('POST /v1/predictions')).toHaveLength(1);

    server.reset();
    server.script('POST /v1/predictions', { hangUp: true });
    const lost = await submit().result;
    expect(lost.error?.code).toBe('network');
    expect(server.requestsTo('POST /v1/predictions')).toHaveLength(1);
  });

  it('gives up on GETs that keep answering an HTML 502 as server_error', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { status: 502, body: '<!DOCTYPE html><title>Bad gateway</title>' });
    const { error } = await submit().result;
    expect(error?.code).toBe('server_error');
    expect(server.requestsTo('GET /v1/predictions/p1')).toHaveLength(5);
  });

  it('reports failed as remote_failed with the remote error, aborted as aborted, an unknown prediction as not_found', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { json: replicatePrediction({ id: 'p1', status: 'failed', error: 'CUDA out of memory' }) });
    const failed = await submit().result;
    expect(failed.error).toEqual({ name: 'RemoteError', code: 'remote_failed', message: 'CUDA out of memory' });
    expect(failed.prediction.status).toBe('failed');

    server.reset();
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { json: replicatePrediction({ id: 'p1', status: 'aborted' }) });
    const aborted = await submit().result;
    expect(aborted.error?.code).toBe('aborted');
    expect(aborted.prediction.status).toBe('aborted');

    server.reset();
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { status: 404, json: { title: 'Not found', detail: 'Prediction not found', status: 404 } });
    expect((await submit().result).error?.code).toBe('not_found');
  });

  it('keeps polling a Prefer: wait answer that is still processing, and an unknown status', async () => {
    server.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p1', status: 'processing' }) });
    server.script('GET /v1/predictions/p1', [{ json: replicatePrediction({ id: 'p1', status: 'warming_up' }) }, succeeded()]);
    serveOutput();
    const { prediction } = await submit().result;
    expect(prediction.status).toBe('succeeded');
    expect(server.requestsTo('POST /v1/predictions')[0].headers.prefer).toBe('wait=5');
    expect(server.requestsTo('GET /v1/predictions/p1')).toHaveLength(2);
  });

  it('holds a Prefer: wait no longer than the deadline leaves', async () => {
    server.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p1', status: 'succeeded', output: [] }) });
    await submit({ timing: { deadlineMs: 2500 } }).result;
    expect(server.requestsTo('POST /v1/predictions')[0].headers.prefer).toBe('wait=2');
  });

  it('cancels through POST .../cancel and polls to canceled', async () => {
    let canceled = false;
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', () => ({ json: replicatePrediction({ id: 'p1', status: canceled ? 'canceled' : 'processing', logs: tqdmLine(3, 20) }) }));
    server.script('POST /v1/predictions/p1/cancel', () => {
      canceled = true;
      return { json: replicatePrediction({ id: 'p1', status: 'processing' }) };
    });
    const { result } = submit({ onEvent: (event, cancel) => event.type === 'progress' && cancel() });
    const { prediction, error, outputs } = await result;
    expect(prediction.status).toBe('canceled');
    expect(error).toBeUndefined();
    expect(outputs).toBeUndefined();
    expect(server.requestsTo('POST /v1/predictions/p1/cancel')).toHaveLength(1);
    expect(server.requestsTo('POST /v1/predictions/p1/cancel')[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(prediction.logs.split('\n').at(-1)).toBe('Canceled');
  });

  it('keeps the outputs when the cancel loses the race (409, or the answer says succeeded)', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', [{ json: replicatePrediction({ id: 'p1', status: 'processing', logs: tqdmLine(19, 20) }) }, succeeded()]);
    server.script('POST /v1/predictions/p1/cancel', { status: 409, json: { title: 'Conflict', detail: 'Prediction has already completed', status: 409 } });
    serveOutput();
    const lost409 = await submit({ onEvent: (event, cancel) => event.type === 'progress' && cancel() }).result;
    expect(lost409.prediction.status).toBe('succeeded');
    expect(lost409.outputs).toHaveLength(1);

    server.reset();
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { json: replicatePrediction({ id: 'p1', status: 'processing', logs: tqdmLine(19, 20) }) });
    server.script('POST /v1/predictions/p1/cancel', succeeded());
    serveOutput();
    const lostOk = await submit({ onEvent: (event, cancel) => event.type === 'progress' && cancel() }).result;
    expect(lostOk.prediction.status).toBe('succeeded');
    expect(lostOk.outputs).toHaveLength(1);
  });

  it('cancels the remote prediction when our deadline passes and fails as timeout', async () => {
    server.script('POST /v1/predictions', created());
    server.script('GET /v1/predictions/p1', { json: replicatePrediction({ id: 'p1', status: 'processing' }) });
    server.script('POST /v1/predictions/p1/cancel', { json: replicatePrediction({ id: 'p1', status: 'canceled' }) });
    const started = Date.now();
    const { prediction, error } = await submit({ timing: { deadlineMs: 300 } }).result;
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('the remote prediction was canceled') });
    expect(prediction.status).toBe('failed');
    expect(server.requestsTo('POST /v1/predictions/p1/cancel')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
    // No Prefer: wait under one second left.
    expect(server.requestsTo('POST /v1/predictions')[0].headers.prefer).toBeUndefined();
  });

  it('decodes data-URL outputs locally and records them briefly', async () => {
    const dataUrl = `data:image/png;base64,${Buffer.from(PNG).toString('base64')}`;
    server.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p1', status: 'succeeded', output: dataUrl }) });
    const { prediction, outputs } = await submit().result;
    expect(new Uint8Array(await outputs![0].arrayBuffer())).toEqual(PNG);
    expect(outputs![0].type).toBe('image/png');
    expect(prediction.output).toEqual([expect.stringMatching(/^\(inline image\/png, \d+ KB\)$/)]);
    expect(server.requests).toHaveLength(1);
  });
});
