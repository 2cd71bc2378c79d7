// Serving the built app: cross-origin isolation headers on every response, compression (the ORT .wasm above all),
// immutable caching of hashed assets, no-cache for the entry files, the SPA fallback, and model files with Range.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControlFor } from './staticFiles';
import { startTestServer, type TestServer } from './testing/testServer';

let server: TestServer;
const WASM = '/assets/ort-wasm-simd-threaded.asyncify-D5D0fo7z.wasm';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const isolation = (response: Response) => [response.headers.get('cross-origin-opener-policy'), response.headers.get('cross-origin-embedder-policy')];

describe('static files', () => {
  it('sends COOP and COEP on every response: the app, assets, the API, 404s', async () => {
    for (const path of ['/', '/index.html', '/assets/index-Ab12Cd34.js', '/v1/predictions', '/v1/nope', '/assets/missing.js', '/models/tiny-sd/model_index.json']) {
      expect(isolation(await fetch(`${server.url}${path}`)), path).toEqual(['same-origin', 'require-corp']);
    }
  });

  it('compresses the wasm with brotli or gzip, as the client accepts, and the bytes come back whole', async () => {
    const original = readFileSync(join(server.options.staticDir, WASM));
    // Node's fetch decodes bodies itself and hides the encoding: ask through a plain request instead.
    const { request } = await import('node:http');
    const get = (encoding: string) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        request(`${server.url}${WASM}`, { headers: { 'accept-encoding': encoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject).end();
      });
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-type']).toBe('application/wasm');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(original.length / 10);
    expect(brotliDecompressSync(br.body).equals(original)).toBe(true);
    const gzip = await get('gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);
    const plain = await get('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
  });

  it('caches hashed assets for a year as immutable and revalidates the entry files', async () => {
    expect((await fetch(`${server.url}${WASM}`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${server.url}/assets/index-Ab12Cd34.js`)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/models/tiny-sd/model_index.json']) {
      expect((await fetch(`${server.url}${path}`)).headers.get('cache-control'), path).toBe('no-cache');
    }
    expect(cacheControlFor(join('assets', 'x.js'))).toBe('public, max-age=31536000, immutable');
  });

  it('falls back to index.html for navigations to app routes, and 404s files and API paths', async () => {
    const page = await fetch(`${server.url}/history/some-id`, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>SD Studio</title>');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    for (const path of ['/assets/missing.js', '/models/none/model_index.json', '/v1/unknown']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ title: 'Not found', status: 404 });
    }
    expect((await fetch(`${server.url}/some.png`)).status).toBe(404);
  });

  it('serves model files with Range requests, uncompressed', async () => {
    const response = await fetch(`${server.url}/models/tiny-sd/model_index.json`, { headers: { range: 'bytes=0-9', 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toMatch(/^bytes 0-9\/\d+$/);
    expect(await response.text()).toBe('{"_class_n');
  });
});
