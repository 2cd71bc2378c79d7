// What every remote generator shares: each API's own mode schemas, prepare and backend events, validation before
// anything is sent, the token sent only to the base URL's origin (never to output hosts, logs or records), large
// uploads warned about and refused, and configurations that cannot work refused up front.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replicatePrediction, startScriptedApiServer, type ScriptedApiServer } from '../../../test/support/scriptedApiServer';
import type { BackendInfo, GenerateOptions } from '../../predictions/backends';
import type { RgbaImage } from '../../predictions/rgbaImage';
import { REPLICATE_SCHEDULER_NAMES } from '../../predictions/schedulerNames';
import type { GenerationRequest } from '../Generator';
import { createStudioGenerator } from '../generatorFactory';
import { A1111_SAMPLERS, createRemoteGenerator, V3_SCHEDULER_NAMES, type RemoteTiming } from './index';

const TOKEN = 'r8_Origin_Token_987654321';
const TIMING: RemoteTiming = { pollMs: 5, maxPollMs: 20, deadlineMs: 10_000, requestMs: 5000 };
const OPTIONS = {} as GenerateOptions;

let api: ScriptedApiServer;
let files: ScriptedApiServer;
beforeAll(async () => {
  [api, files] = await Promise.all([startScriptedApiServer(), startScriptedApiServer()]);
});
afterEach(() => {
  api.reset();
  files.reset();
});
afterAll(() => Promise.all([api.close(), files.close()]));

const replicate = () => createRemoteGenerator({ api: 'replicate', baseUrl: api.url, token: TOKEN, timing: TIMING });

/** Pixels that do not compress: about 4 bytes of PNG per pixel. */
const noise = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8ClampedArray(randomBytes(width * height * 4)) });

describe('remote generators', () => {
  it('serve each API\'s own schemas', () => {
    const replicateSchemas = replicate().modeSchemas();
    expect(replicateSchemas['text-to-image']?.schedulers).toEqual(REPLICATE_SCHEDULER_NAMES);
    expect(replicateSchemas['text-to-image']?.limits.width).toMatchObject({ max: 1024, multipleOf: 64 });

    const v3 = createRemoteGenerator({ api: 'stablediffusionapi', baseUrl: api.url }).modeSchemas();
    expect(v3['text-to-image']).toMatchObject({ schedulers: V3_SCHEDULER_NAMES, limits: { width: { max: 1024, multipleOf: 8 }, num_outputs: { max: 4 }, num_inference_steps: { max: 50 } } });
    expect(v3['image-to-image']?.limits.num_outputs.max).toBe(4);

    const a1111 = createRemoteGenerator({ api: 'automatic1111', baseUrl: api.url }).modeSchemas();
    expect(a1111['text-to-image']?.schedulers).toEqual(Object.keys(A1111_SAMPLERS));
    expect(a1111.inpainting?.fields).not.toContain('width');
    expect(A1111_SAMPLERS).toEqual({ DDIM: 'DDIM', K_EULER: 'Euler', K_EULER_ANCESTRAL: 'Euler a', DPMSolverMultistep: 'DPM++ 2M', PNDM: 'PLMS', KLMS: 'LMS' });
  });

  it('prepare says what runs the jobs, tells listeners, and sends nothing', async () => {
    const generator = createStudioGenerator({ kind: 'remote', api: 'automatic1111', baseUrl: api.url });
    const seen: BackendInfo[] = [];
    generator.onBackendChange((backend) => seen.push(backend));
    const backend = await generator.prepare({ id: 'any' });
    expect(backend).toEqual({ kind: 'remote', label: 'AUTOMATIC1111', reasons: [], threads: 0 });
    expect(seen).toEqual([backend]);
    expect(generator.name).toBe('remote · AUTOMATIC1111');
    expect(api.requests).toHaveLength(0);
  });

  it('validates against the API\'s schema before sending anything', async () => {
    const request: GenerationRequest = { mode: 'text-to-image', input: { prompt: 'x', width: 500, guidance_scale: 40, scheduler: 'LCMScheduler' }, options: OPTIONS };
    const { prediction, error } = await replicate().submit(request, () => undefined).result;
    expect(error?.code).toBe('invalid_input');
    expect(error?.fieldErrors?.map((e) => e.field)).toEqual(['width', 'guidance_scale', 'scheduler']);
    expect(error?.fieldErrors?.[0].message).toBe('width: expected a multiple of 64 between 64 and 1024, got 500');
    expect(prediction).toMatchObject({ status: 'failed', backend: 'remote · Replicate', model: 'stability-ai/stable-diffusion' });

    const image = noise(64, 64);
    const mismatched: GenerationRequest = { mode: 'inpainting', input: { prompt: 'x', image, mask: noise(32, 64) }, options: OPTIONS };
    const mask = await replicate().submit(mismatched, () => undefined).result;
    expect(mask.error?.fieldErrors).toEqual([expect.objectContaining({ field: 'mask', message: 'mask: expected an image the size of image (64x64), got 32x64' })]);

    const notPixels: GenerationRequest = { mode: 'image-to-image', input: { prompt: 'x', image: { width: 4, height: 4, data: new Uint8ClampedArray(3) } }, options: OPTIONS };
    expect((await replicate().submit(notPixels, () => undefined).result).error?.fieldErrors?.[0].field).toBe('image');
    const unknownMode = { mode: 'upscaling', input: { prompt: 'x' }, options: OPTIONS } as unknown as GenerationRequest;
    expect((await replicate().submit(unknownMode, () => undefined).result).error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('mode: expected one of') });
    expect(api.requests).toHaveLength(0);
  });

  it('sends the token only to the base URL\'s origin: not to output hosts, and never in URLs, logs or records', async () => {
    const foreign = `${files.url}/out/a.png`;
    const own = `${api.url}/files/b.png`;
    api.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p9', status: 'succeeded', output: [foreign, own], logs: `token was ${TOKEN}` }) });
    files.script('GET /out/a.png', { body: new Uint8Array([1]), headers: { 'Content-Type': 'image/png' } });
    api.script('GET /files/b.png', { body: new Uint8Array([2]), headers: { 'Content-Type': 'image/png' } });
    const { prediction, outputs } = await replicate().submit({ mode: 'text-to-image', input: { prompt: 'x' }, options: OPTIONS }, () => undefined).result;

    expect(outputs).toHaveLength(2);
    expect(files.requests).toHaveLength(1);
    expect(files.requests[0].headers.authorization).toBeUndefined();
    expect(api.requestsTo('GET /files/b.png')[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect([...api.requests, ...files.requests].every((r) => !r.url.includes(TOKEN))).toBe(true);
    expect(JSON.stringify(prediction)).not.toContain(TOKEN);
  });

  it('warns in the logs about a large upload and refuses one over 10 MB naming the field', async () => {
    api.script('POST /v1/predictions', { status: 201, json: replicatePrediction({ id: 'p1', status: 'succeeded', output: [] }) });
    const large = await replicate().submit({ mode: 'image-to-image', input: { prompt: 'x', image: noise(320, 320) }, options: OPTIONS }, () => undefined).result;
    expect(large.prediction.status).toBe('succeeded');
    expect(large.prediction.logs).toMatch(/Warning: image is \d+ KB as PNG/);
    const sent = (api.requests[0].json as { input: { image: string } }).input.image;
    expect(sent).toMatch(/^data:image\/png;base64,/);
    expect(sent.length).toBeGreaterThan(400_000); // built in chunks, whole

    api.reset();
    const huge = await replicate().submit({ mode: 'image-to-image', input: { prompt: 'x', image: noise(1700, 1700) }, options: OPTIONS }, () => undefined).result;
    expect(huge.error).toMatchObject({ code: 'invalid_input', fieldErrors: [expect.objectContaining({ field: 'image', expected: 'an image of at most 10 MB as PNG' })] });
    expect(api.requests).toHaveLength(0);
  });

  it('cancels a job still waiting in line without sending it, and everything on dispose', async () => {
    const generator = createRemoteGenerator({ api: 'automatic1111', baseUrl: api.url, timing: TIMING });
    api.script('POST /sdapi/v1/txt2img', { delayMs: 100, json: { images: [], info: '{}' } });
    api.script('POST /sdapi/v1/interrupt', { json: {} });
    const request: GenerationRequest = { mode: 'text-to-image', input: { prompt: 'x' }, options: OPTIONS };
    const running = generator.submit(request, () => undefined);
    const waiting = generator.submit(request, () => undefined);
    waiting.cancel();
    expect((await waiting.result).prediction.status).toBe('canceled');
    generator.dispose();
    expect((await running.result).prediction.status).toBe('canceled');
    expect(api.requestsTo('POST /sdapi/v1/txt2img')).toHaveLength(1);
  });

  it('uses the fetch it is given, and follows no redirect away from the base URL', async () => {
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    api.script('POST /v1/predictions', { status: 307, headers: { Location: `${files.url}/v1/predictions` } });
    const generator = createRemoteGenerator({ api: 'replicate', baseUrl: api.url, token: TOKEN, fetch: countingFetch, timing: TIMING });
    const { error } = await generator.submit({ mode: 'text-to-image', input: { prompt: 'x' }, options: OPTIONS }, () => undefined).result;
    expect(seen).toEqual([`${api.url}/v1/predictions`]);
    expect(error?.code).toBe('network');
    expect(files.requests).toHaveLength(0);
  });

  it('refuses configurations that cannot work', () => {
    expect(() => createRemoteGenerator({ api: 'replicate', baseUrl: 'ftp://example.com' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => createRemoteGenerator({ api: 'replicate', baseUrl: 'https://user:pw@example.com' })).toThrow(/without credentials/);
    expect(() => createRemoteGenerator({ api: 'automatic1111', baseUrl: 'http://127.0.0.1:7860', token: 'no-colon' })).toThrow(/user:password/);
    expect(() => createRemoteGenerator({ api: 'replicate', baseUrl: api.url, timing: { pollMs: -1 } })).toThrow(/timing.pollMs/);
  });
});
