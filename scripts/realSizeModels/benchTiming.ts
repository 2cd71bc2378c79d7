// Runtime-neutral timing for the real-size benchmark (Node, the WASM page and the WebGPU page share it): warm-up
// runs, then timed runs summarised as median, min and max, and the figures the report derives from them.

export interface Timing {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runsMs: number[];
  warmupMs: number[];
}

export interface RunCounts {
  warmups: number;
  runs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export async function timeRuns(run: () => Promise<unknown>, { warmups, runs }: RunCounts): Promise<Timing> {
  const measure = async () => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const warmupMs: number[] = [];
  for (let i = 0; i < warmups; i++) warmupMs.push(await measure());
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) runsMs.push(await measure());
  return { medianMs: median(runsMs), minMs: Math.min(...runsMs), maxMs: Math.max(...runsMs), runsMs, warmupMs };
}

/** Achieved GFLOP/s of `flops` done in `ms`. */
export function gflopsPerSecond(flops: number, ms: number): number {
  return flops / ms / 1e6;
}

/**
 * Times `run` and a reference (the peak MatMul) alternately, so both see the same load from whatever else shares the
 * CPU. After each run the reference runs `referenceRepeats` times and its fastest counts: the first MatMul after a
 * long, different workload was seen to run up to 3x slower than the next ones (caches, page faults), which is not
 * the CPU's peak.
 */
export async function timeAlternating(
  run: () => Promise<unknown>,
  reference: () => Promise<unknown>,
  { warmups, runs }: RunCounts,
  referenceRepeats = 3,
): Promise<{ timing: Timing; referenceTiming: Timing }> {
  const measure = async (f: () => Promise<unknown>) => {
    const started = performance.now();
    await f();
    return performance.now() - started;
  };
  const warmupMs: number[] = [];
  for (let i = 0; i < warmups; i++) warmupMs.push(await measure(run));
  const runsMs: number[] = [];
  const referenceMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    runsMs.push(await measure(run));
    const repeats: number[] = [];
    for (let r = 0; r < referenceRepeats; r++) repeats.push(await measure(reference));
    referenceMs.push(Math.min(...repeats));
  }
  const summary = (ms: number[], warm: number[]): Timing => ({ medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), runsMs: ms, warmupMs: warm });
  return { timing: summary(runsMs, warmupMs), referenceTiming: summary(referenceMs, []) };
}

/**
 * Fractions of the peak rate: the median over alternated pairs of (run's GFLOP/s) / (peak MatMul's GFLOP/s right
 * after it), and the fastest run over the fastest peak run.
 */
export function fractionsOfPeak(flops: number, peakFlops: number, timing: Timing, peakTiming: Timing) {
  const pairs = timing.runsMs.map((ms, i) => (flops / ms) / (peakFlops / peakTiming.runsMs[i]));
  return { fractionOfPeak: median(pairs), fractionOfPeakBest: (flops / timing.minMs) / (peakFlops / peakTiming.minMs) };
}

/** One graph evaluation's measurement, as the report and the JSON carry it. */
export interface ComponentFigure {
  component: string;
  /** e.g. 'node cpu 2 threads', 'chromium wasm 2 threads'. */
  backend: string;
  dtype: string;
  /** The evaluation timed: batch, latent size, tokens. */
  size: { batch: number; latentSize: number; tokens: number };
  sessionCreateMs: number;
  timing: Timing;
  /** Conv + MatMul FLOPs of one evaluation, read off the graph. */
  flops: number;
  gflops: number;
  /** The peak MatMul timed right after each run of this graph (same process, same backend; best of 3 each time). */
  peakAlongside: Timing;
  /** Median over the alternated pairs of this graph's GFLOP/s over the peak MatMul's GFLOP/s. */
  fractionOfPeak: number;
  /** This graph's fastest run over the peak MatMul's fastest run. */
  fractionOfPeakBest: number;
  note?: string;
}

export interface PeakFigure {
  backend: string;
  size: number;
  timing: Timing;
  /** From the median run. */
  gflops: number;
  /** From the fastest run. */
  gflopsBest: number;
}
