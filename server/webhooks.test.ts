// Webhooks against a local receiver: the events filter, order (completed last), Standard Webhooks signatures that
// the replicate package's validateWebhook accepts, retries after a 5xx, and no waiting on a slow receiver.
import { validateWebhook } from 'replicate';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReplicatePrediction } from './predictions/predictionRecord';
import { pollUntil, QUICK_INPUT, startReceiver, startTestServer, VERSIONS, type ReceivedRequest, type Receiver, type TestServer } from './testing/testServer';

let server: TestServer;
let receiver: Receiver;

beforeAll(async () => {
  [server, receiver] = await Promise.all([startTestServer({ limits: { webhookRetryMs: 50 } }), startReceiver()]);
});
afterAll(() => Promise.all([server.close(), receiver.close()]));
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.respond = () => ({ status: 200 });
});

async function createWithWebhook(path: string, filter?: string[]): Promise<ReplicatePrediction> {
  const response = await fetch(`${server.url}/v1/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'wait' },
    body: JSON.stringify({ version: VERSIONS.textToImage, input: QUICK_INPUT, webhook: `${receiver.url}${path}`, ...(filter ? { webhook_events_filter: filter } : {}) }),
  });
  return response.json();
}

const bodies = (requests: ReceivedRequest[]) => requests.map((request) => JSON.parse(request.body) as ReplicatePrediction);
const received = (count: number) => pollUntil(async () => receiver.requests.length, (n) => n >= count, 10_000);

describe('webhooks', () => {
  it('sends only the filtered events, start then completed, each with the prediction JSON', async () => {
    const prediction = await createWithWebhook('/hook?secret=abc', ['start', 'completed']);
    await received(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests.every((request) => request.method === 'POST' && request.url === '/hook?secret=abc')).toBe(true);
    const [start, completed] = bodies(receiver.requests);
    expect(start).toMatchObject({ id: prediction.id, status: 'processing', output: null, logs: expect.stringMatching(/^Using seed: \d+$/) });
    expect(completed).toEqual(prediction);
    // The query string of a webhook URL can hold a secret: the log names the receiver's origin at most.
    expect(server.logs.join('\n')).not.toContain('secret=abc');
  });

  it('sends every event by default, throttled, with completed last', async () => {
    const prediction = await createWithWebhook('/all');
    await pollUntil(async () => bodies(receiver.requests), (list) => list.some((body) => body.status === 'succeeded'), 10_000);
    const statuses = bodies(receiver.requests).map((body) => body.status);
    expect(statuses[0]).toBe('processing');
    expect(statuses[statuses.length - 1]).toBe('succeeded');
    expect(statuses.filter((status) => status === 'succeeded')).toHaveLength(1);
    // start, at most one logs delivery per 500 ms of a sub-second run, completed.
    expect(statuses.length).toBeLessThanOrEqual(4);
    expect(bodies(receiver.requests).at(-1)!.output).toEqual(prediction.output);
  });

  it('sends one delivery for an output-only filter: the finished prediction with its output', async () => {
    const prediction = await createWithWebhook('/output', ['output']);
    await received(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(bodies(receiver.requests)).toEqual([prediction]);
  });

  it('signs each delivery so that the replicate package validates it with the default secret', async () => {
    await createWithWebhook('/signed', ['completed']);
    await received(1);
    const { key } = (await (await fetch(`${server.url}/v1/webhooks/default/secret`)).json()) as { key: string };
    expect(key).toMatch(/^whsec_/);
    const [request] = receiver.requests;
    const signed = {
      id: request.headers['webhook-id'] as string,
      timestamp: request.headers['webhook-timestamp'] as string,
      signature: request.headers['webhook-signature'] as string,
      body: request.body,
    };
    expect(await validateWebhook({ ...signed, secret: key })).toBe(true);
    expect(await validateWebhook({ ...signed, body: request.body.replace('succeeded', 'failed'), secret: key })).toBe(false);
  });

  it('retries a delivery that failed with a 5xx, keeping its webhook-id', async () => {
    receiver.respond = (_request, index) => ({ status: index === 0 ? 503 : 200 });
    await createWithWebhook('/flaky', ['completed']);
    await received(2);
    const [first, second] = receiver.requests;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
  });

  it('never holds up the prediction: a receiver that takes seconds does not delay the answer', async () => {
    receiver.respond = () => ({ status: 200, delayMs: 3000 });
    const started = Date.now();
    const prediction = await createWithWebhook('/slow');
    expect(prediction.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
