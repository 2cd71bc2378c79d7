// The real-size benchmark's Chromium WASM side: the peak MatMul and each component timed in onnxruntime-web's plain
// WASM build with 2 threads, one fresh page per graph (a wasm32 heap never shrinks, and 4 GiB is its ceiling: the
// fp32 UNet's 3.4 GB of weights cannot fit, hence an fp16 folder here). FLOPs come from the same graphs on disk.
import type { Page } from '@playwright/test';
import { fractionsOfPeak, gflopsPerSecond, type ComponentFigure, type PeakFigure, type RunCounts } from './benchTiming';
import type { RealSizeBenchApi, TunableOptions } from './browserBenchPage';
import { launchChromium, startBenchServer } from './browserBenchServer';
import { matMulFlops, PEAK_MATMUL_SIZE } from './matMulPeakGraph';
import { graphFlops } from './nodeRealSizeBench';
import type { ComponentName, EvaluationSize } from './realSizeComponents';
import type { FeedData } from './syntheticFeeds';

const PORT = 5191;

export interface WasmBenchResult {
  peak: PeakFigure | null;
  components: ComponentFigure[];
  failures: { component: string; error: string }[];
  crossOriginIsolated: boolean;
}

async function openPage(newPage: () => Promise<Page>, origin: string, threads: number): Promise<{ page: Page; isolated: boolean }> {
  const page = await newPage();
  await page.goto(origin);
  await page.waitForFunction(() => 'realSizeBench' in self);
  const info = await page.evaluate(([t]) => (self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench.init('wasm', t), [threads] as const);
  return { page, isolated: info.crossOriginIsolated };
}

export async function runWasmBench(
  modelsDir: string,
  plan: {
    threads: number;
    size: EvaluationSize;
    components: readonly ComponentName[];
    counts: (c: ComponentName) => RunCounts;
    peakCounts: RunCounts;
    options?: TunableOptions;
  },
  log: (line: string) => void,
): Promise<WasmBenchResult> {
  const server = await startBenchServer(modelsDir, PORT);
  const browser = await launchChromium();
  const backend = `chromium wasm ${plan.threads} threads`;
  const result: WasmBenchResult = { peak: null, components: [], failures: [], crossOriginIsolated: false };
  try {
    const context = await browser.newContext();
    const newPage = () => context.newPage();
    {
      const { page, isolated } = await openPage(newPage, server.origin, plan.threads);
      result.crossOriginIsolated = isolated;
      const timing = await page.evaluate((c) => (self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench.peak(c), plan.peakCounts);
      result.peak = { backend, size: PEAK_MATMUL_SIZE, timing, gflops: gflopsPerSecond(matMulFlops(), timing.medianMs), gflopsBest: gflopsPerSecond(matMulFlops(), timing.minMs) };
      log(`  wasm peak MatMul: ${result.peak.gflops.toFixed(1)} GFLOP/s median, ${result.peak.gflopsBest.toFixed(1)} best (isolated: ${isolated})`);
      await page.close();
    }
    for (const component of plan.components) {
      const { page } = await openPage(newPage, server.origin, plan.threads);
      try {
        const measured = await page.evaluate(
          ([c, s, n, o]) => (self as unknown as { realSizeBench: RealSizeBenchApi }).realSizeBench.component(c, s, n, 'wasm', o),
          [component, plan.size, plan.counts(component), plan.options ?? {}] as const,
        );
        const feeds = Object.fromEntries(Object.entries(measured.dims).map(([name, dims]) => [name, { dims } as FeedData]));
        const flops = graphFlops(modelsDir, component, feeds);
        const gflops = gflopsPerSecond(flops, measured.timing.medianMs);
        result.components.push({
          component, backend, dtype: measured.dtype, size: plan.size, sessionCreateMs: measured.sessionCreateMs,
          timing: measured.timing, flops, gflops, peakAlongside: measured.peakAlongside,
          ...fractionsOfPeak(flops, matMulFlops(), measured.timing, measured.peakAlongside),
        });
        log(`  wasm ${component}: ${(measured.timing.medianMs / 1000).toFixed(2)} s, ${gflops.toFixed(1)} GFLOP/s, ${result.components.at(-1)!.fractionOfPeak.toFixed(2)} of peak`);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0];
        result.failures.push({ component, error: message });
        log(`  wasm ${component}: failed: ${message}`);
      } finally {
        await page.close().catch(() => {});
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return result;
}
