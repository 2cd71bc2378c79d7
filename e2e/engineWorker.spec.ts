// The engine worker in Chromium through the production build (e2e/harness/engine.html drives LocalGenerator):
// WASM on several threads and on one, WebGPU, cancel, the float16 refusal, and onnxruntime's wasm served by the app.
// Pixels are checked against the same run in Node (onnxruntime-node), which the unit tests check against diffusers.
import { expect, test, type Page } from '@playwright/test';
import { textToImage } from '../src/engine';
import { loadTinyModel } from '../test/tinyModel';
import type { EngineHarness, HarnessJob, HarnessResult } from './harness/engineHarness';

const HARNESS = '/e2e/harness/engine.html';
// Guidance on, so every step runs the UNet twice; 64x64 keeps SwiftShader WebGPU (~100x slower than WASM) quick.
const INPUT = { prompt: 'a lighthouse at dusk', width: 64, height: 64, num_inference_steps: 4, guidance_scale: 7.5, scheduler: 'K_EULER', seed: 11 };

async function openHarness(page: Page): Promise<void> {
  await page.goto(HARNESS);
  await page.waitForFunction(() => 'engineHarness' in window);
}

const run = (page: Page, job: HarnessJob): Promise<HarnessResult> =>
  page.evaluate((job) => (window as unknown as { engineHarness: EngineHarness }).engineHarness.generate(job), job);

const adapterFacts = (page: Page) =>
  page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { fallback: adapter.info.isFallbackAdapter, shaderF16: adapter.features.has('shader-f16') } : null;
  });

/** The same run in Node: what the browser must reproduce. */
async function nodePixels(model: 'tiny-sd' | 'tiny-sd-fp16', input: typeof INPUT): Promise<number[]> {
  const loaded = await loadTinyModel(model);
  try {
    return Array.from((await textToImage(loaded, input)).images[0].data);
  } finally {
    await loaded.release();
  }
}

function expectSamePicture(actual: number[] | undefined, expected: number[], maxByteDifference: number): void {
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual![i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(maxByteDifference);
}

function report(name: string, result: HarnessResult): void {
  const steps = result.stepMs.map((ms) => ms.toFixed(0)).join(', ');
  test.info().annotations.push({
    type: 'timing',
    description: `${name}: ${result.backend?.label}; step ms [${steps}]; ${result.stepsPerSecond?.toFixed(2)} steps/s; predict ${result.predictTime?.toFixed(2)} s`,
  });
}

test.describe('engine worker', () => {
  test('runs on WASM threads in the cross-origin isolated build, loading onnxruntime only from the app', async ({ page, context }) => {
    const origins = new Set<string>();
    const wasmRequests: string[] = [];
    context.on('request', (request) => {
      origins.add(new URL(request.url()).origin);
      if (request.url().endsWith('.wasm')) wasmRequests.push(new URL(request.url()).pathname);
    });
    await openHarness(page);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const result = await run(page, { model: 'tiny-sd', backend: 'wasm', input: INPUT });
    report('WASM (isolated)', result);
    expect(result.status).toBe('succeeded');
    const threads = Math.min(cores, 4);
    expect(result.backend).toMatchObject({ kind: 'wasm', label: `WASM · ${threads} ${threads === 1 ? 'thread' : 'threads'}`, threads });
    expect(result.phases).toEqual(['loading-model', 'encoding-prompt', 'denoising', 'decoding']);
    expect(result.previews).toBe(INPUT.num_inference_steps);
    expectSamePicture(result.pixels, await nodePixels('tiny-sd', INPUT), 1);

    expect([...origins]).toEqual([new URL(page.url()).origin]);
    // The plain WASM build (14 MB), not the WebGPU build onnxruntime-web/webgpu would load (27 MB).
    expect(wasmRequests).toEqual([expect.stringMatching(/^\/assets\/ort-wasm-simd-threaded-[^.]*\.wasm$/)]);
  });

  test('runs on one WASM thread without cross-origin isolation, and says why', async ({ page }) => {
    // Serve every response without COOP/COEP: the page (and so its worker) is not cross-origin isolated.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await openHarness(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);

    const result = await run(page, { model: 'tiny-sd', backend: 'wasm', input: INPUT });
    report('WASM (not isolated)', result);
    expect(result.status).toBe('succeeded');
    expect(result.backend).toMatchObject({ kind: 'wasm', label: 'WASM · 1 thread', threads: 1 });
    expect(result.backend!.reasons).toContain('not cross-origin isolated: 1 thread');
    expectSamePicture(result.pixels, await nodePixels('tiny-sd', INPUT), 1);
  });

  test('runs on WebGPU when asked, and "auto" prefers WASM over a software adapter', async ({ page }) => {
    await openHarness(page);
    const adapter = await adapterFacts(page);
    expect(adapter, 'Chromium runs with --enable-unsafe-webgpu, so some adapter exists').not.toBeNull();
    const input = { ...INPUT, num_inference_steps: 2 };

    const webgpu = await run(page, { model: 'tiny-sd', backend: 'webgpu', input });
    report('WebGPU', webgpu);
    expect(webgpu.status).toBe('succeeded');
    expect(webgpu.backend?.kind).toBe('webgpu');
    expect(webgpu.backend?.label).toMatch(/^WebGPU · /);
    // GPU arithmetic differs from the CPU's in the last bits; the picture stays the same.
    expectSamePicture(webgpu.pixels, await nodePixels('tiny-sd', input), 2);

    const auto = await run(page, { model: 'tiny-sd', backend: 'auto', input });
    expect(auto.status).toBe('succeeded');
    if (adapter!.fallback) {
      expect(auto.backend?.kind).toBe('wasm');
      expect(auto.backend?.reasons.join(' ')).toContain('software');
    } else {
      expect(auto.backend?.kind).toBe('webgpu');
    }
  });

  test('cancels between steps, and the next job runs', async ({ page }) => {
    await openHarness(page);
    // 512x512 so a step takes longer than the cancel message's round trip to the worker (at 64x64 a WASM step is
    // ~2 ms and several steps pass while the message travels).
    const canceled = await run(page, { model: 'tiny-sd', backend: 'wasm', input: { ...INPUT, width: 512, height: 512, num_inference_steps: 40 }, cancelAtStep: 2 });
    expect(canceled.status).toBe('canceled');
    expect(canceled.errorCode).toBeUndefined();
    expect(canceled.pixels).toBeUndefined();
    expect(canceled.stepMs.length).toBeLessThan(5);
    expect(canceled.logs.split('\n').at(-1)).toBe('Canceled');

    const next = await run(page, { model: 'tiny-sd', backend: 'wasm', input: INPUT });
    expect(next.status).toBe('succeeded');
  });

  test('keeps float16 models off WebGPU without shader-f16, from the catalog or from the graphs', async ({ page }) => {
    await openHarness(page);
    const adapter = await adapterFacts(page);
    const input = { ...INPUT, num_inference_steps: 2 };

    const declared = await run(page, { model: 'tiny-sd-fp16', dtype: 'float16', backend: 'auto', input });
    expect(declared.status).toBe('succeeded');
    expectSamePicture(declared.pixels, await nodePixels('tiny-sd-fp16', input), 1);
    if (adapter && !adapter.shaderF16) {
      expect(declared.backend?.kind).toBe('wasm');
      expect(declared.backend?.reasons).toContain('fp16 model needs shader-f16, which this GPU lacks');

      // Not declared: the first graph created on WebGPU shows float16 inputs and outputs in its metadata.
      const detected = await page.evaluate(() =>
        (window as unknown as { engineHarness: EngineHarness }).engineHarness.preload('tiny-sd-fp16', 'webgpu'),
      );
      expect(detected.errorCode).toBe('fp16_unsupported');
      expect(detected.error).toContain('shader-f16');
    }
  });
});
