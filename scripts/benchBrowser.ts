// Browser benchmark (Chromium, production build): time per denoising step of the tiny model on WASM with one and
// with several threads and on WebGPU (SwiftShader here), at 512x512 and 64x64 with guidance; and the mask
// editor's latency from pointer move to painted pixel on a 1024x1024 image.
// Usage: npm run bench:browser. Writes bench-results/browser.json. Needs Chromium (/usr/bin/chromium or Playwright's).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { EngineHarness, HarnessResult } from '../e2e/harness/engineHarness';
import { encodePng } from '../src/history/encodePng';
import { testPicture } from '../test/pictures';

const PORT = 5190;
const ORIGIN = `http://localhost:${PORT}`;
const HARNESS_CONFIG = 'e2e/harness/vite.config.ts';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function startServer() {
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/tsx', ['scripts/generateTinyModels.ts', '--test'], { stdio: 'inherit' });
  execFileSync('node_modules/.bin/vite', ['build', '--config', HARNESS_CONFIG, '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('node_modules/.bin/vite', ['preview', '--config', HARNESS_CONFIG, '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(ORIGIN)).ok) return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  server.kill();
  throw new Error('vite preview did not start');
}

/** Serves every response without COOP/COEP, so the page is not cross-origin isolated: onnxruntime uses 1 thread. */
async function withoutIsolation(page: Page) {
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
}

interface StepFigure {
  backend: string;
  size: number;
  steps: number;
  /** Median per-step time after the first step (which includes warm-up such as shader compilation). */
  medianStepMs: number;
  firstStepMs: number;
}

async function measureSteps(browser: Browser, backend: 'wasm' | 'webgpu', isolated: boolean, size: number, steps: number): Promise<StepFigure> {
  const page = await browser.newPage();
  if (!isolated) await withoutIsolation(page);
  await page.goto(`${ORIGIN}/e2e/harness/engine.html`);
  await page.waitForFunction(() => 'engineHarness' in window);
  const input = { prompt: 'a lighthouse at dusk', width: size, height: size, num_inference_steps: steps, guidance_scale: 7.5, scheduler: 'DPMSolverMultistep', seed: 1 };
  const run = () =>
    page.evaluate((job) => (window as unknown as { engineHarness: EngineHarness }).engineHarness.generate(job), { model: 'tiny-sd', backend, input }) as Promise<HarnessResult>;
  const warmUp = await run(); // session creation, JIT, shader compilation
  const result = await run();
  // The backend is announced when the model loads, i.e. during the warm-up run.
  const backendLabel = (result.backend ?? warmUp.backend)?.label ?? backend;
  await page.close();
  if (result.status !== 'succeeded') throw new Error(`${backend} ${size}: ${result.status} ${result.error ?? ''}`);
  return { backend: backendLabel, size, steps, medianStepMs: median(result.stepMs.slice(1)), firstStepMs: result.stepMs[0] };
}

async function measureMaskLatency(browser: Browser) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(ORIGIN);
  await page.getByRole('tab', { name: 'Inpainting' }).click();
  const png = Buffer.from(await (await encodePng(testPicture(1024, 1024))).arrayBuffer());
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose image' }).click()]);
  await chooser.setFiles({ name: 'large.png', mimeType: 'image/png', buffer: png });
  const canvas = page.getByRole('img', { name: 'Mask editor' });
  await canvas.waitFor();
  await page.getByLabel('Brush size', { exact: true }).fill('64');
  const box = (await canvas.boundingBox())!;
  const samples: number[] = [];
  for (let stroke = 0; stroke < 6; stroke++) {
    const y = box.y + box.height * (0.15 + stroke * 0.14);
    await page.mouse.move(box.x + box.width * 0.1, y);
    await page.mouse.down();
    for (let i = 1; i <= 40; i++) {
      await page.mouse.move(box.x + box.width * (0.1 + i * 0.02), y + Math.sin(i / 4) * 30);
      samples.push(Number(await canvas.getAttribute('data-paint-latency-ms')));
    }
    await page.mouse.up();
  }
  await page.close();
  const sorted = [...samples].sort((a, b) => a - b);
  return { image: '1024x1024', brush: 64, moves: samples.length, medianMs: median(samples), p95Ms: sorted[Math.floor(sorted.length * 0.95)], maxMs: sorted.at(-1)! };
}

const server = await startServer();
const browser = await chromium.launch({ executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined, args: ARGS });
try {
  const figures: StepFigure[] = [];
  for (const size of [64, 512]) {
    figures.push(await measureSteps(browser, 'wasm', false, size, 10));
    figures.push(await measureSteps(browser, 'wasm', true, size, 10));
    figures.push(await measureSteps(browser, 'webgpu', true, size, size === 512 ? 3 : 5));
  }
  const mask = await measureMaskLatency(browser);
  const report = { machine: { cpus: cpus().length, model: cpus()[0]?.model }, chromium: browser.version(), guidance: 7.5, steps: figures, maskEditor: mask };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'browser.json'), JSON.stringify(report, null, 2));
  console.log(`Chromium ${browser.version()}, ${cpus().length} cores. Tiny model, text-to-image, guidance 7.5 (two UNet calls per step):`);
  for (const f of figures) {
    console.log(`  ${f.backend.padEnd(22)} ${String(f.size).padStart(3)}x${f.size}: ${f.medianStepMs.toFixed(1).padStart(8)} ms/step (first step ${f.firstStepMs.toFixed(0)} ms)`);
  }
  console.log(`Mask editor, 1024x1024 image, 64 px brush: pointer move -> painted pixel median ${mask.medianMs.toFixed(2)} ms, p95 ${mask.p95Ms.toFixed(2)} ms, max ${mask.maxMs.toFixed(2)} ms over ${mask.moves} moves (target < 8 ms)`);
} finally {
  await browser.close();
  server.kill();
}
