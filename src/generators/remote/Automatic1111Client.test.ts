// The AUTOMATIC1111 client against a scripted WebUI: txt2img with progress polled while the POST runs and HTTP
// Basic auth split at the first colon, img2img + mask sending the image's own size, the seed from `info`,
// interrupt on cancel, FastAPI's 422 as field errors, and one job at a time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedApiServer, type ScriptedApiServer } from '../../../test/support/scriptedApiServer';
import type { GenerateOptions } from '../../predictions/backends';
import { checkWireImage, decodeBase64 } from '../../predictions/wireImages';
import type { RgbaImage } from '../../predictions/rgbaImage';
import type { GenerationRequest, JobEvent } from '../Generator';
import { createRemoteGenerator, type RemoteTiming } from './index';

const TOKEN = 'alice:pa:ss:word';
const TIMING: RemoteTiming = { pollMs: 10, maxPollMs: 20, deadlineMs: 5000, requestMs: 2000 };
const OPTIONS = { maskBlur: 6 } as GenerateOptions;
const PNG_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]).toString('base64');
const REQUEST: GenerationRequest = { mode: 'text-to-image', input: { prompt: 'a fox', width: 512, height: 512, scheduler: 'K_EULER_ANCESTRAL', num_inference_steps: 8 }, options: OPTIONS };
const grey = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(200) });

let server: ScriptedApiServer;
beforeAll(async () => {
  server = await startScriptedApiServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

function generator(token: string | undefined = TOKEN) {
  return createRemoteGenerator({ api: 'automatic1111', baseUrl: server.url, token, timing: TIMING });
}

const generated = (seed = 1234, delayMs = 0) => ({
  delayMs,
  json: { images: [PNG_BASE64], parameters: {}, info: JSON.stringify({ seed, all_seeds: [seed], index_of_first_image: 0, sd_model_name: 'v1-5-pruned-emaonly', sd_model_hash: '6ce0161689' }) },
});

/** A progress endpoint whose step advances on every poll, as a running WebUI's does. */
function scriptProgress() {
  let step = 0;
  server.script('GET /sdapi/v1/progress', () => ({ json: { progress: step / 8, eta_relative: 1, state: { job_count: 1, sampling_step: Math.min(8, ++step), sampling_steps: 8 }, current_image: null } }));
}

/** What the server received as Basic credentials, split at the first colon as the WebUI does. */
function basicCredentials(header: string | undefined) {
  const decoded = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

describe('AUTOMATIC1111 client', () => {
  it('runs txt2img with Basic auth, polls progress while it runs, and reads the seed and checkpoint from info', async () => {
    // The generation "runs" until the client has polled its progress three times, however slow the machine is.
    server.script('POST /sdapi/v1/txt2img', async () => {
      for (let waited = 0; server.requestsTo('GET /sdapi/v1/progress').length < 3 && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      return generated(1234);
    });
    scriptProgress();
    const events: JobEvent[] = [];
    const { prediction, outputs, seed, error } = await generator().submit(REQUEST, (event) => events.push(event)).result;

    expect(error).toBeUndefined();
    const [post] = server.requestsTo('POST /sdapi/v1/txt2img');
    expect(basicCredentials(post.headers.authorization)).toEqual({ user: 'alice', password: 'pa:ss:word' });
    expect(post.json).toMatchObject({ prompt: 'a fox', sampler_name: 'Euler a', steps: 8, cfg_scale: 7, width: 512, height: 512, batch_size: 1, seed: -1 });
    const polls = server.requestsTo('GET /sdapi/v1/progress');
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.every((poll) => poll.headers.authorization === post.headers.authorization)).toBe(true);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatchObject({ phase: 'denoising', step: 1, totalSteps: 8 });
    expect(seed).toBe(1234);
    expect(prediction).toMatchObject({ status: 'succeeded', backend: 'remote · AUTOMATIC1111', model: 'v1-5-pruned-emaonly', version: '6ce0161689' });
    expect(prediction.input.seed).toBe(1234);
    expect(prediction.logs).toContain('Using seed: 1234');
    expect(outputs![0].type).toBe('image/png');
    expect(Buffer.from(await outputs![0].arrayBuffer()).toString('base64')).toBe(PNG_BASE64);
  });

  it('sends img2img with the mask as an opaque black/white PNG and the image\'s own size', async () => {
    server.script('POST /sdapi/v1/img2img', generated(77));
    const mask: RgbaImage = { width: 96, height: 64, data: new Uint8ClampedArray(96 * 64 * 4) }; // transparent: keep all
    mask.data.fill(255, 0, 96 * 4 * 10); // the first ten rows opaque white: repaint
    const request: GenerationRequest = { mode: 'inpainting', input: { prompt: 'a door', image: grey(96, 64), mask, seed: 77 }, options: OPTIONS };
    const { settings, error } = await generator().submit(request, () => undefined).result;
    expect(error).toBeUndefined();
    const body = server.requestsTo('POST /sdapi/v1/img2img')[0].json as Record<string, unknown>;
    expect(body).toMatchObject({ width: 96, height: 64, seed: 77, denoising_strength: 1, mask_blur: 6, inpainting_fill: 1, inpaint_full_res: false, inpainting_mask_invert: 0 });
    expect(body.init_images).toEqual([expect.stringMatching(/^data:image\/png;base64,/)]);
    const sentMask = checkWireImage('mask', body.mask);
    expect(sentMask).toMatchObject({ image: { format: 'png', width: 96, height: 64 } });
    // Colour type 0 (grey) or 2 (RGB), never 6: the mask carries no alpha.
    const png = decodeBase64((body.mask as string).split(',')[1])!;
    expect(png[25]).not.toBe(6);
    expect(settings).toMatchObject({ width: 96, height: 64, seed: 77 });
  });

  it('interrupts the generation on cancel', async () => {
    // As a WebUI does, the generation answers (with what it had) once it is interrupted.
    server.script('POST /sdapi/v1/txt2img', async () => {
      for (let waited = 0; server.requestsTo('POST /sdapi/v1/interrupt').length === 0 && waited < 3000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      return generated(1);
    });
    scriptProgress();
    server.script('POST /sdapi/v1/interrupt', { json: {} });
    const handle = generator().submit(REQUEST, (event) => event.type === 'progress' && handle.cancel());
    const { prediction, error } = await handle.result;
    expect(prediction.status).toBe('canceled');
    expect(error).toBeUndefined();
    expect(server.requestsTo('POST /sdapi/v1/interrupt')).toHaveLength(1);
    expect(server.requestsTo('POST /sdapi/v1/interrupt')[0].headers.authorization).toMatch(/^Basic /);
  });

  it('maps a 401 and FastAPI\'s 422 validation list', async () => {
    server.script('POST /sdapi/v1/txt2img', { status: 401, json: { detail: 'Incorrect username or password' } });
    const denied = await generator('alice:wrong').submit(REQUEST, () => undefined).result;
    expect(denied.error).toMatchObject({ code: 'unauthenticated', message: expect.stringContaining('Incorrect username or password') });
    expect(denied.error?.message).not.toContain('wrong');

    server.reset();
    server.script('POST /sdapi/v1/txt2img', { status: 422, json: { detail: [{ loc: ['body', 'steps'], msg: 'value is not a valid integer', type: 'type_error.integer' }] } });
    const refused = await generator().submit(REQUEST, () => undefined).result;
    expect(refused.error).toMatchObject({ code: 'invalid_input', fieldErrors: [{ field: 'steps', message: 'steps: value is not a valid integer' }] });
  });

  it('runs one job at a time, telling the next its place in line', async () => {
    server.script('POST /sdapi/v1/txt2img', generated(1, 80));
    const events: JobEvent[] = [];
    const first = generator();
    const a = first.submit(REQUEST, () => undefined);
    const b = first.submit(REQUEST, (event) => events.push(event));
    await Promise.all([a.result, b.result]);
    expect(events[0]).toEqual({ type: 'queued', position: 1 });
    const [postA, postB] = server.requestsTo('POST /sdapi/v1/txt2img');
    expect(postB.at - postA.at).toBeGreaterThanOrEqual(75);
  });
});
