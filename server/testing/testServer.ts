// Test kit: the server on a random local port with the tiny test model (test/models/tiny-sd, made by vitest's
// global setup), a small fake built app, and its log captured; plus image data URLs and a local HTTP receiver.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { encodePng } from '../../src/history/encodePng';
import { TEST_MODELS_DIR } from '../../test/testModelsDir';
import { buildApp, type BuiltApp } from '../app';
import type { ServerOptionsInput } from '../serverOptions';

export const TINY_MODEL_DIR = join(TEST_MODELS_DIR, 'tiny-sd');

export const VERSIONS = {
  textToImage: 'ac732df83cea7fff18b8472768c88ad041fa750ff7682a21affe81863cbe77e4',
  imageToImage: '15a3689ee13b0d2616e98820eca31d4c3abcd36672df6afce5cb6feb1d66087d',
  inpainting: '95b7223104132402a9ae91cc677285bc5eb997834bd2349fa486f53910fd68b3',
};

/** Small and fast on the tiny model. */
export const QUICK_INPUT = { prompt: 'a lighthouse', width: 64, height: 64, num_inference_steps: 2 };
/** Several seconds on the tiny model: 4 images of 1024², 500 steps with guidance. */
export const LONG_INPUT = { prompt: 'a long one', width: 1024, height: 1024, num_inference_steps: 500, num_outputs: 4 };

/** A fake dist/: index.html, hashed assets (a compressible .wasm among them), sw.js, the manifest, a model file. */
export function makeStaticFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'sd-static-'));
  mkdirSync(join(root, 'assets'));
  mkdirSync(join(root, 'models', 'tiny-sd'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><title>SD Studio</title></head><body><div id="root"></div></body></html>');
  writeFileSync(join(root, 'assets', 'index-Ab12Cd34.js'), `console.log(${JSON.stringify('studio '.repeat(500))});`);
  const wasm = Buffer.alloc(256 * 1024);
  wasm.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  for (let i = 8; i < wasm.length; i++) wasm[i] = (i * 7) % 13;
  writeFileSync(join(root, 'assets', 'ort-wasm-simd-threaded.asyncify-D5D0fo7z.wasm'), wasm);
  writeFileSync(join(root, 'sw.js'), `self.addEventListener('install', () => {}); // ${'x'.repeat(2000)}`);
  writeFileSync(join(root, 'manifest.webmanifest'), JSON.stringify({ name: 'SD Studio', short_name: 'SD' }));
  writeFileSync(join(root, 'models', 'tiny-sd', 'model_index.json'), JSON.stringify({ _class_name: 'OnnxStableDiffusionPipeline', padding: 'x'.repeat(4000) }));
  return root;
}

export interface TestServer extends BuiltApp {
  url: string;
  /** Every log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

export async function startTestServer(options: ServerOptionsInput = {}): Promise<TestServer> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const { log, ...rest } = options;
  const built = await buildApp({
    modelDir: TINY_MODEL_DIR,
    staticDir: makeStaticFixture(),
    host: '127.0.0.1',
    port: 0,
    ...rest,
    // Whatever the level, the lines are captured.
    log: { level: 'info', requests: false, ...log, stream },
  });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = built.app.server.address() as AddressInfo;
  return { ...built, url: `http://127.0.0.1:${port}`, logs, close: () => built.app.close() };
}

/** A PNG data URL of one flat colour, made with the project's own encoder. */
export async function pngDataUrl(width: number, height: number, rgba: [number, number, number, number] = [200, 120, 40, 255]): Promise<string> {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  const png = Buffer.from(await (await encodePng({ width, height, data })).arrayBuffer());
  return `data:image/png;base64,${png.toString('base64')}`;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Decides each answer; 200 with an empty body by default. */
  respond: (request: ReceivedRequest, index: number) => { status: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number };
  close(): Promise<void>;
}

/** A local HTTP server that records what it is sent: a webhook receiver, a fake upstream API, an image host. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond: () => ({ status: 200 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() };
      receiver.requests.push(received);
      const answer = receiver.respond(received, receiver.requests.length - 1);
      setTimeout(() => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = receiver.close;
  receiver.close = () => (server.closeAllConnections(), close());
  return receiver;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `done` says yes, or fails after `timeoutMs`. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 400)}`);
    await sleep(50);
  }
}
