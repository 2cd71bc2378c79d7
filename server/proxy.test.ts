// The proxy against a local fake upstream allowed for the test: forwarding (the caller's Authorization included,
// and never logged), the allow-list, the same-origin rule, CORS preflights, redirects handed back, and its limits.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyTargets } from './proxyPolicy';
import { DEFAULT_PROXY_HOSTS } from './serverOptions';
import { startReceiver, startTestServer, type Receiver, type TestServer } from './testing/testServer';

let server: TestServer;
let upstream: Receiver;
let upstreamHost: string;
const TOKEN = 'r8_secret_user_token_5f3a';

beforeAll(async () => {
  upstream = await startReceiver();
  upstreamHost = new URL(upstream.url).host;
  server = await startTestServer({
    proxyAllow: ['api.replicate.com', upstream.url],
    limits: { proxyBodyBytes: 64 * 1024, proxyResponseBytes: 64 * 1024, proxyTimeoutMs: 1000 },
  });
});
afterAll(() => Promise.all([server.close(), upstream.close()]));
beforeEach(() => {
  upstream.requests.length = 0;
  upstream.respond = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
});

const proxied = (path: string) => `${server.url}/proxy/${upstreamHost}${path}`;

describe('the proxy', () => {
  it('forwards method, path, query, body and the Authorization header, and passes the answer through untouched', async () => {
    const answer = '{"id":"abc","status":"starting","urls":{"get":"https://api.replicate.com/v1/predictions/abc"}}';
    upstream.respond = () => ({
      status: 201,
      headers: { 'content-type': 'application/json', 'retry-after': '3', location: 'https://api.replicate.com/v1/predictions/abc', 'set-cookie': 'a=b' },
      body: answer,
    });
    const body = '{"version":"v","input":{"prompt":"über"}}';
    const response = await fetch(proxied('/v1/predictions?x=1&y=%2F'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', prefer: 'wait=5', 'cancel-after': '30s', cookie: 'session=1' },
      body,
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe(answer);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('location')).toBe('https://api.replicate.com/v1/predictions/abc');
    expect(response.headers.get('set-cookie')).toBeNull();
    const [request] = upstream.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/predictions?x=1&y=%2F', body });
    expect(request.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', prefer: 'wait=5', 'cancel-after': '30s' });
    expect(request.headers.cookie).toBeUndefined();
    expect(request.headers.origin).toBeUndefined();
  });

  it('never logs or keeps the Authorization header', async () => {
    // Every request logged at the most verbose level, so "never logged" is checked against a log that says much.
    const verbose = await startTestServer({ proxyAllow: [upstream.url], log: { level: 'trace', requests: true } });
    try {
      await fetch(`${verbose.url}/proxy/${upstreamHost}/v1/account`, { headers: { authorization: `Bearer ${TOKEN}` } });
      upstream.respond = () => ({ status: 500, body: 'down' });
      await fetch(`${verbose.url}/proxy/${upstreamHost}/v1/account`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const log = verbose.logs.join('\n');
      expect(log).toContain('/proxy/'); // the requests were logged...
      expect(log).not.toContain(TOKEN); // ...without the token
    } finally {
      await verbose.close();
    }
  });

  it('refuses hosts that are not on the allow-list: 403, nothing sent', async () => {
    for (const host of ['example.com', '127.0.0.1:1', `${upstreamHost}@example.com`, 'api.replicate.com.evil.example']) {
      const response = await fetch(`${server.url}/proxy/${host}/v1/predictions`);
      expect(response.status, host).toBe(403);
      expect(await response.json()).toMatchObject({ title: 'Host not allowed', status: 403 });
    }
    expect(upstream.requests).toHaveLength(0);
    expect([...proxyTargets(DEFAULT_PROXY_HOSTS).entries()]).toEqual([
      ['api.replicate.com', 'https://api.replicate.com'],
      ['stablediffusionapi.com', 'https://stablediffusionapi.com'],
      ['modelslab.com', 'https://modelslab.com'],
    ]);
  });

  it('serves same-origin callers only: a cross-site page gets 403', async () => {
    const own = server.url;
    const refused: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: own }];
    for (const headers of refused) {
      const response = await fetch(proxied('/v1/predictions'), { headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).title).toBe('Cross-site request refused');
    }
    expect(upstream.requests).toHaveLength(0);
    const allowed = await fetch(proxied('/v1/predictions'), { headers: { origin: own, 'sec-fetch-site': 'same-origin' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(own);
    expect(allowed.headers.get('access-control-expose-headers')).toBe('Retry-After, Location');
  });

  it('answers CORS preflights itself', async () => {
    const response = await fetch(proxied('/v1/predictions'), {
      method: 'OPTIONS',
      headers: { origin: server.url, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, prefer, cancel-after' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, Prefer, Cancel-After');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(upstream.requests).toHaveLength(0);
    const foreign = await fetch(proxied('/v1/predictions'), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(foreign.status).toBe(403);
  });

  it('hands redirects back instead of following them', async () => {
    upstream.respond = (request) => (request.url === '/moved' ? { status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } } : { status: 200 });
    const response = await fetch(proxied('/moved'), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect(upstream.requests.map((request) => request.url)).toEqual(['/moved']);
  });

  it('limits the request body, the answer size and the time', async () => {
    const big = await fetch(proxied('/upload'), { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(65 * 1024) });
    expect(big.status).toBe(413);
    upstream.respond = () => ({ status: 200, body: Buffer.alloc(65 * 1024) });
    expect((await fetch(proxied('/large'))).status).toBe(502);
    upstream.respond = () => ({ status: 200, body: 'late', delayMs: 1500 });
    const slow = await fetch(proxied('/slow'));
    expect(slow.status).toBe(504);
    expect((await slow.json()).title).toBe('Upstream timeout');
  });
});
