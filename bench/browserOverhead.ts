// Benchmark section in Chromium: the engine over bare onnxruntime-web (WASM, 1 and 2 threads) on the same sessions
// in a Web Worker, A/B alternated per scheduler (e2e/harness/overheadWorker.ts does the runs).
import type { OverheadAnswer, OverheadRequest } from '../e2e/harness/overheadWorker';
import { startHarness } from './harnessServer';
import { summarize, type Summary } from './stats';

export interface BrowserOverheadRow {
  threads: number;
  scheduler: string;
  ratio: Summary;
  engineMs: Summary;
  bareMs: Summary;
}

export async function browserOverhead(request: Omit<OverheadRequest, 'threads'>, threads: number[] = [1, 2]): Promise<{ chromium: string; rows: BrowserOverheadRow[] }> {
  const { origin, server, browser } = await startHarness(5193);
  try {
    const rows: BrowserOverheadRow[] = [];
    for (const count of threads) {
      const page = await browser.newPage();
      await page.goto(`${origin}/e2e/harness/overhead.html`);
      const answer = (await page.evaluate((r) => (window as unknown as { overheadBench(r: OverheadRequest): Promise<OverheadAnswer> }).overheadBench(r), { ...request, threads: count })) as OverheadAnswer;
      for (const row of answer.rows) {
        rows.push({
          threads: count,
          scheduler: row.scheduler,
          ratio: summarize(row.engineMs.map((ms, i) => ms / row.bareMs[i])),
          engineMs: summarize(row.engineMs),
          bareMs: summarize(row.bareMs),
        });
      }
      await page.close();
    }
    return { chromium: browser.version(), rows };
  } finally {
    await browser.close();
    server.kill();
  }
}
