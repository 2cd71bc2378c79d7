// The scripted API server itself: replies played in order (the last repeating), handlers, prefix routes, the
// request record, 404 for what is not scripted, and a hang-up that clients see as a network error.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedApiServer, type ScriptedApiServer } from './scriptedApiServer';

let server: ScriptedApiServer;
beforeAll(async () => {
  server = await startScriptedApiServer();
});
afterEach(() => server.reset());
afterAll(() => server.close());

describe('scriptedApiServer', () => {
  it('plays a queue of replies in order, repeating the last, and records every request', async () => {
    server.script('POST /v1/predictions', [{ status: 429, headers: { 'Retry-After': '1' } }, { status: 201, json: { id: 'p1' } }]);
    const post = () => fetch(`${server.url}/v1/predictions?x=1`, { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: '{"a":1}' });
    const answers = [await post(), await post(), await post()];
    expect(answers.map((a) => a.status)).toEqual([429, 201, 201]);
    expect(answers[0].headers.get('retry-after')).toBe('1');
    expect(await answers[1].json()).toEqual({ id: 'p1' });
    expect(server.requestsTo('POST /v1/predictions')).toHaveLength(3);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/predictions?x=1', path: '/v1/predictions', json: { a: 1 }, headers: { authorization: 'Bearer t' } });
  });

  it('runs handlers, matches prefix routes, and answers 404 for what is not scripted', async () => {
    server.script('GET /files/*', (request) => ({ body: request.path, headers: { 'Content-Type': 'text/plain' } }));
    expect(await (await fetch(`${server.url}/files/a/b.png`)).text()).toBe('/files/a/b.png');
    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: 'no script for GET /nothing' });
  });

  it('hangs up when told to', async () => {
    server.script('GET /cut', { hangUp: true });
    await expect(fetch(`${server.url}/cut`)).rejects.toThrow();
  });
});
