// The prediction API over plain fetch: Prefer: wait, Cancel-After (canceled while running, aborted while queued),
// the FIFO queue, 422/404 shapes, pagination, outputs served as PNG, input images by URL, and a responsive GET
// while the engine works.
import { performance } from 'node:perf_hooks';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplicatePrediction } from './predictions/predictionRecord';
import { LONG_INPUT, pngDataUrl, pollUntil, QUICK_INPUT, startReceiver, startTestServer, VERSIONS, type Receiver, type TestServer } from './testing/testServer';

let server: TestServer;
let images: Receiver;

beforeAll(async () => {
  [server, images] = await Promise.all([startTestServer({ pageSize: 3 }), startReceiver()]);
});
afterAll(() => Promise.all([server.close(), images.close()]));

const json = { 'content-type': 'application/json' };

async function create(input: Record<string, unknown>, headers: Record<string, string> = {}, version = VERSIONS.textToImage) {
  const response = await fetch(`${server.url}/v1/predictions`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ version, input }) });
  return { response, body: (await response.json()) as ReplicatePrediction & Record<string, unknown> };
}

const get = async (id: string) => (await (await fetch(`${server.url}/v1/predictions/${id}`)).json()) as ReplicatePrediction;
const cancel = (id: string) => fetch(`${server.url}/v1/predictions/${id}/cancel`, { method: 'POST' });
const finished = (p: ReplicatePrediction) => ['succeeded', 'failed', 'canceled', 'aborted'].includes(p.status);
const waitFor = (id: string) => pollUntil(() => get(id), finished);

describe('Prefer: wait', () => {
  it('holds the answer until the prediction finishes: 201 with the output', async () => {
    const { response, body } = await create(QUICK_INPUT, { Prefer: 'wait=5' });
    expect(response.status).toBe(201);
    expect(response.headers.get('preference-applied')).toBe('wait=5');
    expect(response.headers.get('location')).toBe(body.urls.get);
    expect(body).toMatchObject({ status: 'succeeded', output: [expect.stringContaining('/v1/files/')], error: null });
  });

  it('answers with what there is when the wait runs out: 202, still running', async () => {
    const started = Date.now();
    const { response, body } = await create(LONG_INPUT, { Prefer: 'wait=1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.status).toBe(202);
    expect(['starting', 'processing']).toContain(body.status);
    await cancel(body.id);
    expect((await waitFor(body.id)).status).toBe('canceled');
  });
});

describe('Cancel-After', () => {
  it('cancels a running prediction when its deadline passes (canceled, as Replicate does)', async () => {
    const { body } = await create(LONG_INPUT, { 'Cancel-After': '1s' });
    const done = await waitFor(body.id);
    expect(done.status).toBe('canceled');
    expect(done.started_at).toBeDefined();
    expect(done.logs).toMatch(/Canceled: the Cancel-After deadline \(1s\) passed while the prediction was running\.$/);
  });

  it('aborts a queued prediction whose deadline passes before it starts', async () => {
    const long = (await create(LONG_INPUT)).body;
    const queued = (await create(QUICK_INPUT, { 'Cancel-After': '300ms' })).body;
    const done = await waitFor(queued.id);
    expect(done).toMatchObject({ status: 'aborted', output: null });
    expect(done.started_at).toBeUndefined();
    expect(done.logs).toBe('Aborted: the Cancel-After deadline (300ms) passed before the prediction started.');
    await cancel(long.id);
    await waitFor(long.id);
  });

  it('refuses a malformed deadline', async () => {
    const { response, body } = await create(QUICK_INPUT, { 'Cancel-After': 'soon' });
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ title: 'Invalid Cancel-After header', status: 400, detail: expect.stringContaining('got "soon"') });
  });
});

describe('the queue', () => {
  it('runs one prediction at a time, first come first served', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await create({ ...QUICK_INPUT, seed: i })).body.id);
    const done = await Promise.all(ids.map(waitFor));
    expect(done.map((p) => p.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (let i = 1; i < done.length; i++) expect(Date.parse(done[i].started_at!)).toBeGreaterThanOrEqual(Date.parse(done[i - 1].completed_at!));
  });

  it('answers a GET quickly while the engine works (the engine runs in a worker thread)', async () => {
    /** Polls the prediction every 20 ms until `stop` says so; the main thread's busy share and each GET's latency. */
    const pollWhile = async (id: string, stop: (p: ReplicatePrediction, elapsedMs: number) => boolean) => {
      const started = performance.now();
      const before = performance.eventLoopUtilization();
      const latencies: number[] = [];
      for (let current = await get(id); !stop(current, performance.now() - started); ) {
        const sent = performance.now();
        current = await get(id);
        latencies.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { busy: performance.eventLoopUtilization(before).utilization, latencies: latencies.sort((a, b) => a - b) };
    };
    const idle = await pollWhile((await create(QUICK_INPUT, { Prefer: 'wait' })).body.id, (_p, elapsed) => elapsed > 1500);
    const { body } = await create({ ...LONG_INPUT, num_inference_steps: 10, num_outputs: 2 });
    const working = await pollWhile(body.id, finished);
    expect((await get(body.id)).status).toBe('succeeded');
    expect(working.latencies.length).toBeGreaterThan(10);
    // The main thread (the server and this test's client) was about as busy as while nothing ran: the UNet steps,
    // the VAE and the PNG encoding (~350 ms of synchronous JavaScript per 1024² image) ran elsewhere. Compared with
    // its own idle polling, this holds on a machine busy with other work too.
    expect(working.busy - idle.busy).toBeLessThan(0.25);
    expect(working.latencies[Math.floor(working.latencies.length / 2)]).toBeLessThan(50);
  });
});

describe('outputs', () => {
  it('serves each output as a PNG with the generation parameters', async () => {
    const { body } = await create({ ...QUICK_INPUT, seed: 1234 }, { Prefer: 'wait' });
    const response = await fetch(body.output![0]);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const bytes = Buffer.from(await response.arrayBuffer());
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(bytes.toString('latin1')).toMatch(/parameters\0a lighthouse\n[^]*Seed: 1234/);
    expect((await fetch(`${server.url}/v1/files/${body.id}/9.png`)).status).toBe(404);
  });

  it('downloads an input image given by URL, and fails the prediction when the URL does not answer 200', async () => {
    const png = Buffer.from((await pngDataUrl(64, 64)).split(',')[1], 'base64');
    images.respond = (request) => (request.url === '/cat.png' ? { status: 200, headers: { 'content-type': 'image/png' }, body: png } : { status: 404 });
    const good = (await create({ prompt: 'x', image: `${images.url}/cat.png`, prompt_strength: 0.5, num_inference_steps: 2 }, { Prefer: 'wait' }, VERSIONS.imageToImage)).body;
    expect(good.status).toBe('succeeded');
    const bad = (await create({ prompt: 'x', image: `${images.url}/missing.png`, num_inference_steps: 2 }, { Prefer: 'wait' }, VERSIONS.imageToImage)).body;
    expect(bad).toMatchObject({ status: 'failed', error: `image: expected the image URL to answer 200, got 404 from ${images.url}` });
    expect(bad.logs).toMatch(/Error: image: expected the image URL/);
  });

  it('keeps no inline image in the record, while the job still gets it', async () => {
    const image = await pngDataUrl(256, 256, [1, 2, 3, 255]);
    const created = (await create({ prompt: 'x', image, num_inference_steps: 2, prompt_strength: 1 }, {}, VERSIONS.imageToImage)).body;
    expect(created.input.image).toMatch(/^data:image\/png;base64,… \(\d+ characters, not kept\)$/);
    expect((await waitFor(created.id)).status).toBe('succeeded');
  });
});

describe('versions', () => {
  it('accepts the bare version id and "owner/name:id"', async () => {
    const full = await create(QUICK_INPUT, { Prefer: 'wait' }, `stability-ai/stable-diffusion:${VERSIONS.textToImage}`);
    expect(full.response.status).toBe(201);
    expect(full.body).toMatchObject({ status: 'succeeded', model: 'stability-ai/stable-diffusion', version: VERSIONS.textToImage });
  });
});

describe('errors', () => {
  it('answers 422 with every failing field in invalid_fields', async () => {
    const input = { prompt: 'x', image: 'file:///etc/passwd', scheduler: 'Nope', guidance_scale: 30, num_outputs: 1.5, foo: 1 };
    const { response, body } = await create(input, {}, VERSIONS.inpainting);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body.title).toBe('Input validation failed');
    expect((body.invalid_fields as Array<{ type: string; field: string }>).map(({ type, field }) => `${type} ${field}`).sort()).toEqual([
      'additional_property_not_allowed input.foo',
      'enum input.scheduler',
      'format input.image',
      'invalid_type input.num_outputs',
      'number_lte input.guidance_scale',
      'required input.mask',
    ]);
  });

  it('checks the top-level fields as Replicate does', async () => {
    const response = await fetch(`${server.url}/v1/predictions`, { method: 'POST', headers: json, body: JSON.stringify({ version: VERSIONS.textToImage, inptu: {} }) });
    expect(response.status).toBe(422);
    expect((await response.json()).invalid_fields).toEqual([
      { type: 'additional_property_not_allowed', field: '', description: 'Additional property inptu is not allowed' },
      { type: 'required', field: '', description: 'input is required' },
    ]);
  });

  it('answers an unknown version with 422 and an unknown model, prediction or path with 404', async () => {
    const unknownVersion = await create(QUICK_INPUT, {}, 'f'.repeat(64));
    expect(unknownVersion.response.status).toBe(422);
    expect(unknownVersion.body.title).toBe('Invalid version or not permitted');
    const model = await fetch(`${server.url}/v1/models/someone/else/predictions`, { method: 'POST', headers: json, body: JSON.stringify({ input: QUICK_INPUT }) });
    expect(model.status).toBe(404);
    for (const response of [await fetch(`${server.url}/v1/predictions/nosuchprediction`), await cancel('nosuchprediction'), await fetch(`${server.url}/v1/nothing`)]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ title: 'Not found', status: 404 });
    }
  });

  it('answers a cancel of a finished prediction with the record unchanged', async () => {
    const { body } = await create(QUICK_INPUT, { Prefer: 'wait' });
    const response = await cancel(body.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'succeeded', output: body.output });
  });
});

describe('GET /v1/predictions', () => {
  it('pages newest first with next and previous links', async () => {
    for (let i = 0; i < 4; i++) await create(QUICK_INPUT);
    const pages: Array<{ next: string | null; previous: string | null; results: ReplicatePrediction[] }> = [];
    for (let url: string | null = `${server.url}/v1/predictions`; url; url = pages[pages.length - 1].next) pages.push(await (await fetch(url)).json());
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0].previous).toBeNull();
    expect(pages.every((page) => page.results.length <= 3)).toBe(true);
    const created = pages.flatMap((page) => page.results.map((p) => `${p.created_at} ${p.id}`));
    expect(new Set(created).size).toBe(created.length);
    expect(pages.flatMap((page) => page.results.map((p) => p.created_at))).toEqual(pages.flatMap((page) => page.results.map((p) => p.created_at)).sort().reverse());
    const back = await (await fetch(pages[1].previous!)).json();
    expect(back.results.map((p: ReplicatePrediction) => p.id)).toEqual(pages[0].results.map((p) => p.id));
    expect((await fetch(`${server.url}/v1/predictions?cursor=nonsense`)).status).toBe(400);
  });
});

describe('bearer auth', () => {
  let locked: TestServer;
  beforeAll(async () => {
    locked = await startTestServer({ token: 'sekrit' });
  });
  afterAll(() => locked.close());

  it('answers 401 without the token, and serves the API and output files with it', async () => {
    for (const authorization of [undefined, 'Bearer wrong', 'sekrit']) {
      const response = await fetch(`${locked.url}/v1/predictions`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toEqual({ title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
    }
    const created = await fetch(`${locked.url}/v1/predictions`, {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer sekrit', prefer: 'wait' },
      body: JSON.stringify({ version: VERSIONS.textToImage, input: QUICK_INPUT }),
    });
    expect(created.status).toBe(201);
    const { output } = (await created.json()) as ReplicatePrediction;
    expect((await fetch(output![0])).status).toBe(200);
  });
});
