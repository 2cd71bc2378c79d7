// Tests for the model file test server: whole and ranged bytes, HEAD, CORS/CORP and preflight, path traversal, each
// injected fault (cut, wrong byte, 503, no Range, throttle) and the request log, over real HTTP with Node's fetch.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startModelFileServer, type ModelFileServer } from './modelFileServer';

const UNET = '/tiny/unet/model.onnx';
const unetBytes = randomBytes(3 * (1 << 20) + 12_345); // spans several 1 MiB read chunks
const configText = '{"sample_size":8}';
const secretText = 'outside the served root';

let folder: string;
let server: ModelFileServer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'model-file-server-'));
  const root = join(folder, 'models');
  await mkdir(join(root, 'tiny', 'unet'), { recursive: true });
  await writeFile(join(root, 'tiny', 'unet', 'model.onnx'), unetBytes);
  await writeFile(join(root, 'tiny', 'model_index.json'), configText);
  await writeFile(join(root, 'tiny', 'vocab.txt'), 'a b c');
  await writeFile(join(folder, 'secret.txt'), secretText); // what a traversal would leak
  server = await startModelFileServer({ root });
});

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

afterEach(() => {
  server.clearFaults();
  server.clearLog();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });
const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());

/** Reads a body chunk by chunk, as the downloader does, counting bytes until it ends or fails. */
async function readCounting(response: Response): Promise<{ received: number; error?: unknown }> {
  const reader = response.body!.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { received };
      received += value.length;
    }
  } catch (error) {
    return { received, error };
  }
}

/** A raw request whose path Node sends as written (fetch would normalise `..` and `%2e%2e` away first). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    request({ host: url.hostname, port: url.port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject).end();
  });
}

/** Sends one keep-alive GET on a raw socket and waits (at most 2 s, under the server's 5 s keep-alive) for the
 * server to close the connection: what a cut must do, rather than leaving a short body on an open socket. */
function rawGetUntilServerCloses(path: string): Promise<{ closedByServer: boolean; head: string; bodyBytes: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = (closedByServer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const headEnd = all.indexOf('\r\n\r\n');
      resolve({ closedByServer, head: all.subarray(0, headEnd).toString(), bodyBytes: all.length - headEnd - 4 });
    };
    const timer = setTimeout(() => finish(false), 2000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish(true));
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('serving files', () => {
  it('answers a GET with the whole file and its headers', async () => {
    const response = await get(UNET);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(unetBytes.length));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await bytesOf(response)).equals(unetBytes)).toBe(true);
  });

  it('names JSON and text content types', async () => {
    const json = await get('/tiny/model_index.json');
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.text()).toBe(configText);
    expect((await get('/tiny/vocab.txt')).headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers HEAD with the length and no body', async () => {
    const response = await fetch(server.url + UNET, { method: 'HEAD', headers: { Range: 'bytes=0-9' } });
    expect(response.status).toBe(200); // Range is defined for GET only
    expect(response.headers.get('content-length')).toBe(String(unetBytes.length));
    expect((await bytesOf(response)).length).toBe(0);
  });

  it('answers 404 with a short text for missing files and folders', async () => {
    for (const path of ['/tiny/missing.onnx', '/tiny/unet', '/']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).toContain('Not found');
    }
  });

  it('never serves a file outside root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/tiny/../../secret.txt', '/%2E%2E%2Fsecret.txt']) {
      const { status, body } = await rawGet(path);
      expect(status, path).toBe(404);
      expect(body).not.toContain(secretText);
    }
  });
});

describe('byte ranges', () => {
  const size = unetBytes.length;

  it.each([
    ['bytes=100-199', 100, 199],
    ['bytes=1048570-1048590', 1_048_570, 1_048_590], // across a read chunk boundary
    [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1], // an end past the file is clamped
    ['bytes=2000000-', 2_000_000, size - 1],
    ['bytes=-500', size - 500, size - 1],
    [`bytes=-${size + 5}`, 0, size - 1],
  ])('%s → 206 with those bytes', async (range, start, end) => {
    const response = await get(UNET, { Range: range });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect((await bytesOf(response)).equals(unetBytes.subarray(start, end + 1))).toBe(true);
  });

  it.each([`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, 'bytes=-0'])('%s → 416 with the size', async (range) => {
    const response = await get(UNET, { Range: range });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${size}`);
    await response.arrayBuffer();
  });

  it('answers several ranges, or a stale If-Range, with the whole file', async () => {
    const several = await get(UNET, { Range: 'bytes=0-9,20-29' });
    expect(several.status).toBe(200);
    expect((await bytesOf(several)).equals(unetBytes)).toBe(true);
    const stale = await get(UNET, { Range: 'bytes=0-9', 'If-Range': '"not-this-version"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const etag = (await fetch(server.url + UNET, { method: 'HEAD' })).headers.get('etag')!;
    expect((await get(UNET, { Range: 'bytes=0-9', 'If-Range': etag })).status).toBe(206);
  });
});

describe('cross-origin headers', () => {
  it('sends CORS and CORP on files and on errors', async () => {
    for (const response of [await get(UNET, { Range: 'bytes=0-0' }), await get('/missing')]) {
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(response.headers.get('access-control-expose-headers')).toBe('Content-Length, Content-Range, Accept-Ranges, ETag, Retry-After');
      await response.arrayBuffer();
    }
  });

  it('answers a preflight with 204 and the allowed methods and headers', async () => {
    const response = await fetch(server.url + UNET, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5174', 'Access-Control-Request-Headers': 'range' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('Range, If-Range, Content-Type');
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('faults', () => {
  it('ignoreRange answers a Range request with 200, the whole file and no Accept-Ranges', async () => {
    server.setFault(UNET, { ignoreRange: true });
    const response = await get(UNET, { Range: 'bytes=100-199' });
    expect(response.status).toBe(200);
    expect(response.headers.get('accept-ranges')).toBeNull();
    expect(response.headers.get('content-range')).toBeNull();
    expect((await bytesOf(response)).equals(unetBytes)).toBe(true);
  });

  it('cutAt breaks the body stream after exactly the bytes before the cut, `times` times', async () => {
    const cutAt = 1_500_001;
    server.setFault(UNET, { cutAt, times: 2 });
    const whole = await readCounting(await get(UNET));
    expect(whole.error).toBeDefined();
    expect(whole.received).toBe(cutAt);
    const ranged = await readCounting(await get(UNET, { Range: 'bytes=1000000-' }));
    expect(ranged.error).toBeDefined();
    expect(ranged.received).toBe(cutAt - 1_000_000);
    const after = await get(UNET, { Range: 'bytes=1000000-' });
    expect((await bytesOf(after)).equals(unetBytes.subarray(1_000_000))).toBe(true);
  });

  it('cutAt really ends the TCP connection, after delivering the bytes before the cut', async () => {
    server.setFault(UNET, { cutAt: 70_000 });
    const { closedByServer, head, bodyBytes } = await rawGetUntilServerCloses(UNET);
    expect(closedByServer).toBe(true);
    expect(head).toContain(`Content-Length: ${unetBytes.length}`);
    expect(bodyBytes).toBe(70_000);
  });

  it('cutAt at the first byte of a range sends the headers, then no body', async () => {
    server.setFault(UNET, { cutAt: 4096 });
    const response = await get(UNET, { Range: 'bytes=4096-8191' });
    expect(response.status).toBe(206);
    expect(await readCounting(response)).toMatchObject({ received: 0, error: expect.anything() });
  });

  it('cutAt is not used up by a response that does not reach it', async () => {
    server.setFault(UNET, { cutAt: 5000 });
    expect((await bytesOf(await get(UNET, { Range: 'bytes=0-999' }))).equals(unetBytes.subarray(0, 1000))).toBe(true);
    expect((await readCounting(await get(UNET))).received).toBe(5000);
  });

  it('wrongByteAt flips exactly that byte in every response covering it', async () => {
    const wrongByteAt = 1_048_576; // the first byte of the second read chunk
    server.setFault(UNET, { wrongByteAt });
    const expectOneFlip = (bytes: Buffer, start: number) => {
      const differing: number[] = [];
      for (let i = 0; i < bytes.length; i++) if (bytes[i] !== unetBytes[start + i]) differing.push(i);
      expect(differing).toEqual([wrongByteAt - start]);
      expect(bytes[wrongByteAt - start]).toBe(unetBytes[wrongByteAt] ^ 0xff);
    };
    expectOneFlip(await bytesOf(await get(UNET)), 0);
    expectOneFlip(await bytesOf(await get(UNET)), 0); // until cleared, not once
    expectOneFlip(await bytesOf(await get(UNET, { Range: `bytes=${wrongByteAt}-${wrongByteAt + 99}` })), wrongByteAt);
    expectOneFlip(await bytesOf(await get(UNET, { Range: `bytes=${wrongByteAt - 50}-${wrongByteAt}` })), wrongByteAt - 50);
    expect((await bytesOf(await get(UNET, { Range: 'bytes=0-99' }))).equals(unetBytes.subarray(0, 100))).toBe(true);
    server.setFault(UNET, null);
    expect((await bytesOf(await get(UNET))).equals(unetBytes)).toBe(true);
  });

  it('status503 answers the next N requests with 503 and Retry-After, then serves the file', async () => {
    server.setFault(UNET, { status503: 2 });
    for (let i = 0; i < 2; i++) {
      const refused = await get(UNET);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('0');
      await refused.arrayBuffer();
    }
    expect((await bytesOf(await get(UNET))).equals(unetBytes)).toBe(true);
    server.setFault(UNET, { status503: 1, retryAfter: '3' });
    const refused = await get(UNET);
    expect(refused.headers.get('retry-after')).toBe('3');
    await refused.arrayBuffer();
  });

  it('bytesPerSecond throttles the body', async () => {
    server.setFault(UNET, { bytesPerSecond: 1 << 20 });
    const began = performance.now();
    const body = await bytesOf(await get(UNET, { Range: `bytes=0-${256 * 1024 - 1}` }));
    const elapsed = performance.now() - began;
    expect(body.equals(unetBytes.subarray(0, 256 * 1024))).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(200); // 256 KiB at 1 MiB/s is 250 ms
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('request log', () => {
  it('records method, path, range, status, offsets and the bytes actually sent', async () => {
    await (await get(UNET, { Range: 'bytes=10-19' })).arrayBuffer();
    await fetch(server.url + UNET, { method: 'HEAD' });
    await (await get('/missing')).arrayBuffer();
    server.setFault(UNET, { cutAt: 300_000 });
    await readCounting(await get(UNET, { Range: 'bytes=100000-' }));
    await vi.waitFor(() => expect(server.log).toHaveLength(4));
    await vi.waitFor(() => expect(server.log[3].bytesSent).toBe(200_000));
    expect(server.log).toEqual([
      { method: 'GET', path: UNET, range: 'bytes=10-19', status: 206, start: 10, end: 19, bytesSent: 10, at: expect.any(Number) },
      { method: 'HEAD', path: UNET, range: undefined, status: 200, start: 0, end: unetBytes.length - 1, bytesSent: 0, at: expect.any(Number) },
      { method: 'GET', path: '/missing', range: undefined, status: 404, bytesSent: expect.any(Number), at: expect.any(Number) },
      { method: 'GET', path: UNET, range: 'bytes=100000-', status: 206, start: 100_000, end: unetBytes.length - 1, bytesSent: 200_000, at: expect.any(Number) },
    ]);
    server.clearLog();
    expect(server.log).toHaveLength(0);
  });
});
