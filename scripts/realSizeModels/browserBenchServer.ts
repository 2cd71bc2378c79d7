// Serves the real-size browser benchmark: the bundled page, onnxruntime-web's dist/ (the app's own copy, never a CDN),
// a model folder under /models/ streamed from disk (gigabytes: never read whole), and the peak MatMul graph, all
// cross-origin isolated (COOP/COEP) so WASM gets its threads; and launches Chromium with the flags PLATFORM.md lists.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'esbuild';
import { matMulPeakGraph } from './matMulPeakGraph';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ORT_DIST = join(ROOT, 'node_modules/onnxruntime-web/dist');
const PAGE_ENTRY = fileURLToPath(new URL('./browserBenchPage.ts', import.meta.url));
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
/** Headless Chromium as root on the closed network, with WebGPU enabled (PLATFORM.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

async function bundlePage(): Promise<string> {
  const result = await build({ entryPoints: [PAGE_ENTRY], bundle: true, format: 'esm', write: false, target: 'es2022', logLevel: 'warning' });
  return result.outputFiles[0].text;
}

/** A file under `root` named by a URL path, or null when it escapes the root or does not exist. */
function fileUnder(root: string, urlPath: string): string | null {
  const path = normalize(join(root, decodeURIComponent(urlPath)));
  return path.startsWith(root) && existsSync(path) && statSync(path).isFile() ? path : null;
}

export interface BenchServer {
  origin: string;
  close(): Promise<void>;
}

export async function startBenchServer(modelsDir: string, port: number): Promise<BenchServer> {
  const page = await bundlePage();
  const matMul = matMulPeakGraph();
  const html = '<!doctype html><meta charset="utf-8"><title>real-size bench</title><script type="module" src="/page.js"></script>';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const send = (type: string, body: string | Uint8Array) => {
      response.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
      response.end(body);
    };
    if (url.pathname === '/') return send('text/html', html);
    if (url.pathname === '/page.js') return send('text/javascript', page);
    if (url.pathname === '/matmul.onnx') return send('application/octet-stream', matMul);
    const [root, rest] = url.pathname.startsWith('/ort/') ? [ORT_DIST, url.pathname.slice(5)]
      : url.pathname.startsWith('/models/') ? [modelsDir, url.pathname.slice(8)] : [null, ''];
    const file = root ? fileUnder(root, rest) : null;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The system Chromium when there is one (Playwright cannot download its own here), else Playwright's. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
