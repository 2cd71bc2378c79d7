// The official `replicate` npm client, as an outside caller, against our server: run, create + wait (by version and
// by model, with data-URL images we build ourselves), list, cancel a long prediction, and the 422 for width 500.
import Replicate, { parseProgressFromLogs, type ApiError, type Prediction } from 'replicate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LONG_INPUT, pngDataUrl, pollUntil, QUICK_INPUT, startTestServer, VERSIONS, type TestServer } from './testing/testServer';

let server: TestServer;
let replicate: Replicate;

beforeAll(async () => {
  server = await startTestServer({ token: 'r8_test_token' });
  replicate = new Replicate({ auth: 'r8_test_token', baseUrl: `${server.url}/v1`, useFileOutput: false });
});
afterAll(() => server.close());

describe('the replicate client', () => {
  it('runs a prediction and gets PNG URLs back (replicate.run, Prefer: wait)', async () => {
    const output = (await replicate.run(`stability-ai/stable-diffusion:${VERSIONS.textToImage}`, { input: { ...QUICK_INPUT, seed: 7 } })) as string[];
    expect(output).toEqual([expect.stringMatching(new RegExp(`^${server.url}/v1/files/[a-z2-7]{26}/0\\.png$`))]);
    const png = await fetch(output[0]);
    expect(png.headers.get('content-type')).toBe('image/png');
  });

  it('creates a prediction by version and waits for it: logs, seed, metrics, two outputs', async () => {
    const created = await replicate.predictions.create({ version: VERSIONS.textToImage, input: { ...QUICK_INPUT, num_outputs: 2, seed: 42 } });
    expect(created).toMatchObject({ status: 'starting', model: 'stability-ai/stable-diffusion', version: VERSIONS.textToImage, output: null });
    const done = await replicate.wait(created, { interval: 100 });
    expect(done.status).toBe('succeeded');
    expect(done.output).toHaveLength(2);
    expect(done.logs).toMatch(/^Using seed: 42\n/);
    expect(done.metrics?.predict_time).toBeGreaterThan(0);
    expect(parseProgressFromLogs(done)).toEqual({ percentage: 1, current: 2, total: 2 });
  });

  it('creates image-to-image and inpainting predictions by model name, images sent as data URLs', async () => {
    const image = await pngDataUrl(64, 64);
    const mask = await pngDataUrl(64, 64, [255, 255, 255, 255]);
    const img2img = await replicate.predictions.create({
      model: 'stability-ai/stable-diffusion-img2img',
      input: { prompt: 'a painting', image, prompt_strength: 0.5, num_inference_steps: 2 },
    } as Parameters<typeof replicate.predictions.create>[0]);
    const inpaint = await replicate.predictions.create({
      model: 'stability-ai/stable-diffusion-inpainting',
      input: { prompt: 'a door', image, mask, width: 64, height: 64, num_inference_steps: 2 },
    } as Parameters<typeof replicate.predictions.create>[0]);
    for (const created of [img2img, inpaint]) {
      const done = await replicate.wait(created, { interval: 100 });
      expect(done).toMatchObject({ status: 'succeeded', output: [expect.any(String)] });
    }
    expect(img2img.version).toBe(VERSIONS.imageToImage);
    expect(inpaint.version).toBe(VERSIONS.inpainting);
  });

  it('lists predictions, newest first', async () => {
    const page = await replicate.predictions.list();
    expect(page.results.length).toBeGreaterThanOrEqual(4);
    const created = page.results.map((prediction) => prediction.created_at);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it('cancels a running prediction', async () => {
    const created = await replicate.predictions.create({ version: VERSIONS.textToImage, input: LONG_INPUT });
    await pollUntil(() => replicate.predictions.get(created.id), (p: Prediction) => p.status === 'processing' && / 1\/500 /.test(p.logs ?? ''));
    await replicate.predictions.cancel(created.id);
    const done = await replicate.wait(created, { interval: 100 });
    expect(done.status).toBe('canceled');
    expect(done.output).toBeNull();
    expect(done.logs).toMatch(/\nCanceled\.$/);
  });

  it('gets a 422 with invalid_fields for width 500', async () => {
    const error = await replicate.predictions.create({ version: VERSIONS.textToImage, input: { ...QUICK_INPUT, width: 500 } }).catch((e: unknown) => e);
    // The package exports ApiError as a type only; at run time it is an Error named ApiError.
    expect(error).toMatchObject({ name: 'ApiError' });
    const response = (error as ApiError).response;
    expect(response.status).toBe(422);
    const body = JSON.parse((error as Error).message.replace(/^[^{]*/, '').replace(/\.$/, ''));
    expect(body).toEqual({
      title: 'Input validation failed',
      status: 422,
      detail: '- width: expected a multiple of 64 between 64 and 1024, got 500',
      invalid_fields: [{ type: 'enum', field: 'input.width', description: 'width: expected a multiple of 64 between 64 and 1024, got 500' }],
    });
  });

  it('is refused without the token', async () => {
    const anonymous = new Replicate({ auth: 'wrong', baseUrl: `${server.url}/v1` });
    const error = (await anonymous.predictions.list().catch((e: unknown) => e)) as ApiError;
    expect(error.response.status).toBe(401);
  });
});
