// The Stable Diffusion API v3 client against a scripted server: its field names and the key in the body, the
// processing → fetch_result → success flow (fetched under our base, after max(eta, 2 s)), errors that come as
// HTTP 200 with `message` or the misspelt `messege`, retry_after, an invalid key, and the key kept out of errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedApiServer, type ScriptedApiServer } from '../../../test/support/scriptedApiServer';
import type { GenerateOptions } from '../../predictions/backends';
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { GenerationRequest } from '../Generator';
import { createRemoteGenerator, type RemoteTiming } from './index';

const KEY = 'v3-Secret-Key-abcdef123456';
const TIMING: RemoteTiming = { pollMs: 5, maxPollMs: 20, deadlineMs: 8000, requestMs: 2000 };
const OPTIONS = {} as GenerateOptions;
const REQUEST: GenerationRequest = { mode: 'text-to-image', input: { prompt: 'a lighthouse', width: 512, height: 768, num_outputs: 2, seed: 11 }, options: OPTIONS };
const grey = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(128) });

let server: ScriptedApiServer;
beforeAll(async () => {
  server = await startScriptedApiServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

const submit = (request = REQUEST, timing: RemoteTiming = {}) =>
  createRemoteGenerator({ api: 'stablediffusionapi', baseUrl: server.url, token: KEY, timing: { ...TIMING, ...timing } }).submit(request, () => undefined).result;

const success = (output: string[] = [`${server.url}/generations/a-0.png`]) => ({ json: { status: 'success', generationTime: 2.5, id: 77, output, meta: { seed: 11, W: 512, H: 768 } } });
const serveOutput = () => server.script('GET /generations/a-0.png', { body: new Uint8Array([1, 2, 3]), headers: { 'Content-Type': 'image/png' } });

describe('Stable Diffusion API v3 client', () => {
  it('sends text2img with the key and its own field names, and reads a success', async () => {
    server.script('POST /api/v3/text2img', success());
    serveOutput();
    const { prediction, outputs, seed, error } = await submit();
    expect(error).toBeUndefined();
    const [request] = server.requestsTo('POST /api/v3/text2img');
    expect(request.json).toEqual({
      key: KEY,
      prompt: 'a lighthouse',
      negative_prompt: null,
      width: 512,
      height: 768,
      samples: 2,
      num_inference_steps: 30,
      guidance_scale: 7.5,
      scheduler: 'DPMSolverMultistepScheduler',
      seed: 11,
      enhance_prompt: 'no',
      base64: 'no',
    });
    // The key is in the body, nowhere else.
    expect(request.headers.authorization).toBeUndefined();
    expect(request.url).not.toContain(KEY);
    expect(prediction).toMatchObject({ status: 'succeeded', model: 'api/v3/text2img', backend: 'remote · Stable Diffusion API', metrics: { predict_time: 2.5 } });
    expect(seed).toBe(11);
    expect(outputs).toHaveLength(1);
    expect(server.requestsTo('GET /generations/a-0.png')[0].headers.authorization).toBeUndefined();
  });

  it('waits max(eta, 2 s) after processing, then POSTs the key to fetch_result under our base until success', async () => {
    server.script('POST /api/v3/text2img', {
      json: { status: 'processing', tip: 'Your image is processing in background', eta: 0.5, messege: 'Try to fetch request after given estimated time', fetch_result: 'https://stablediffusionapi.com/api/v3/fetch/77', id: 77, output: [] },
    });
    server.script('POST /api/v3/fetch/77', success());
    serveOutput();
    const { prediction, outputs } = await submit();
    expect(prediction.status).toBe('succeeded');
    expect(outputs).toHaveLength(1);
    const [create] = server.requestsTo('POST /api/v3/text2img');
    const [fetched] = server.requestsTo('POST /api/v3/fetch/77');
    expect(fetched.json).toEqual({ key: KEY });
    expect(fetched.at - create.at).toBeGreaterThanOrEqual(1950);
    expect(prediction.logs).toContain('request 77');
  });

  it('reads errors from the body of an HTTP 200, in `message` and in the misspelt `messege`', async () => {
    server.script('POST /api/v3/text2img', { json: { status: 'error', message: 'Invalid Api Key' } });
    const invalidKey = await submit();
    expect(invalidKey.error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('Invalid Api Key') });
    expect(invalidKey.prediction.status).toBe('failed');

    server.reset();
    server.script('POST /api/v3/text2img', { json: { status: 'error', messege: 'Model is loading, failed to generate' } });
    const misspelt = await submit();
    expect(misspelt.error).toMatchObject({ code: 'remote_failed', message: expect.stringContaining('Model is loading, failed to generate') });
  });

  it('maps an invalid key answered with HTTP 401 to unauthenticated and keeps the key out of the message', async () => {
    server.script('POST /api/v3/text2img', { status: 401, json: { status: 'error', message: `Invalid key: ${KEY}` } });
    const { error, prediction } = await submit();
    expect(error?.code).toBe('unauthenticated');
    expect(error?.message).not.toContain(KEY);
    expect(error?.message).toContain('[redacted]');
    expect(prediction.logs).not.toContain(KEY);
  });

  it('sends the request again after retry_after, and reports field errors as invalid_input', async () => {
    server.script('POST /api/v3/text2img', [{ json: { status: 'error', message: 'Rate limit exceeded, try again', retry_after: 0 } }, success()]);
    serveOutput();
    expect((await submit()).prediction.status).toBe('succeeded');
    expect(server.requestsTo('POST /api/v3/text2img')).toHaveLength(2);

    server.reset();
    server.script('POST /api/v3/text2img', { json: { status: 'error', message: { samples: ['The samples may not be greater than 4.'] } } });
    const { error } = await submit();
    expect(error).toMatchObject({ code: 'invalid_input', fieldErrors: [{ field: 'num_outputs', message: 'num_outputs: The samples may not be greater than 4.' }] });
  });

  it('sends img2img and inpaint with init_image, mask_image and strength; image-to-image keeps the image size', async () => {
    server.script('POST /api/v3/img2img', success());
    server.script('POST /api/v3/inpaint', success());
    serveOutput();
    const image = grey(96, 64);
    await submit({ mode: 'image-to-image', input: { prompt: 'a boat', image, prompt_strength: 0.6 }, options: OPTIONS });
    const img2img = server.requestsTo('POST /api/v3/img2img')[0].json as Record<string, unknown>;
    expect(img2img).toMatchObject({ width: 96, height: 64, strength: 0.6, init_image: expect.stringMatching(/^data:image\/png;base64,/) });
    expect(img2img.mask_image).toBeUndefined();

    await submit({ mode: 'inpainting', input: { prompt: 'a boat', image, mask: grey(96, 64), width: 512, height: 512 }, options: OPTIONS });
    const inpaint = server.requestsTo('POST /api/v3/inpaint')[0].json as Record<string, unknown>;
    expect(inpaint).toMatchObject({ width: 512, height: 512, strength: 1, init_image: expect.stringMatching(/^data:image\/png;base64,/), mask_image: expect.stringMatching(/^data:image\/png;base64,/) });
  });

  it('refuses what the v3 API would refuse before sending anything', async () => {
    const { error } = await submit({ mode: 'text-to-image', input: { prompt: 'x', width: 1536, num_outputs: 5, scheduler: 'K_EULER' }, options: OPTIONS });
    expect(error?.code).toBe('invalid_input');
    expect(error?.fieldErrors?.map((e) => e.field).sort()).toEqual(['num_outputs', 'scheduler', 'width']);
    const tooLarge = await submit({ mode: 'image-to-image', input: { prompt: 'x', image: grey(1200, 64) }, options: OPTIONS });
    expect(tooLarge.error?.fieldErrors?.[0]).toMatchObject({ field: 'image', got: '1200x64' });
    expect(server.requests).toHaveLength(0);
  });
});
