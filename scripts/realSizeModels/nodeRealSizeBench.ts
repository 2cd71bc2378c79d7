// The real-size benchmark's onnxruntime-node side: the peak MatMul and one component's evaluation, timed with sessions
// that use every core without spinning (PLATFORM.md: a spinning pool is ~1.5x slower on 2 cores), FLOPs read off
// the component's own model.onnx (small: its weights live in model.onnx_data) at the shapes actually fed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { LoopSession } from './bareGenerationLoop';
import { fractionsOfPeak, gflopsPerSecond, timeAlternating, timeRuns, type ComponentFigure, type PeakFigure, type RunCounts } from './benchTiming';
import { graphCost } from './graphCost';
import { matMulFlops, matMulOperands, matMulPeakGraph, PEAK_MATMUL_SIZE } from './matMulPeakGraph';
import type { ComponentName, EvaluationSize } from './realSizeComponents';
import { decodeModel } from './streamingGraphBuilder';
import { syntheticFeeds, type FeedData } from './syntheticFeeds';

export function nodeSessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' } } } };
}

function tensors(feeds: Record<string, FeedData>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor(f.type, f.data as never, f.dims)]));
}

/** An onnxruntime-node session as the bare generation loop drives it. */
export function nodeLoopSession(session: ort.InferenceSession): LoopSession {
  return {
    inputMetadata: session.inputMetadata as LoopSession['inputMetadata'],
    async run(feeds) {
      const outputs = await session.run(tensors(feeds));
      return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]));
    },
  };
}

/** The 2048³ MatMul session, kept open so it can be timed alone and alternated with each graph's runs. */
export class NodePeakMatMul {
  private readonly feeds: Record<string, ort.Tensor>;

  private constructor(private readonly session: ort.InferenceSession, readonly backend: string) {
    const { a, b } = matMulOperands();
    const dims = [PEAK_MATMUL_SIZE, PEAK_MATMUL_SIZE];
    this.feeds = { a: new ort.Tensor('float32', a, dims), b: new ort.Tensor('float32', b, dims) };
  }

  static async create(threads: number): Promise<NodePeakMatMul> {
    const session = await ort.InferenceSession.create(matMulPeakGraph(), nodeSessionOptions(threads));
    return new NodePeakMatMul(session, `node cpu ${threads} threads`);
  }

  runOnce(): Promise<unknown> {
    return this.session.run(this.feeds);
  }

  async measure(counts: RunCounts): Promise<PeakFigure> {
    const timing = await timeRuns(() => this.runOnce(), counts);
    return { backend: this.backend, size: PEAK_MATMUL_SIZE, timing, gflops: gflopsPerSecond(matMulFlops(), timing.medianMs), gflopsBest: gflopsPerSecond(matMulFlops(), timing.minMs) };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Conv + MatMul FLOPs of one evaluation of the graph in `folder/component`, at the shapes of `feeds`. */
export function graphFlops(folder: string, component: ComponentName, feeds: Record<string, FeedData>): number {
  const model = decodeModel(readFileSync(join(folder, component, 'model.onnx')));
  return graphCost(model, Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, f.dims]))).total;
}

export async function measureNodeComponent(
  folder: string,
  component: ComponentName,
  size: EvaluationSize,
  { threads, counts, peak }: { threads: number; counts: RunCounts; peak: NodePeakMatMul },
): Promise<ComponentFigure> {
  const created = performance.now();
  const session = await ort.InferenceSession.create(join(folder, component, 'model.onnx'), nodeSessionOptions(threads));
  const sessionCreateMs = performance.now() - created;
  try {
    const feeds = syntheticFeeds(component, size, session.inputMetadata as never);
    const flops = graphFlops(folder, component, feeds);
    const inputs = tensors(feeds);
    const { timing, referenceTiming } = await timeAlternating(() => session.run(inputs), () => peak.runOnce(), counts);
    const gflops = gflopsPerSecond(flops, timing.medianMs);
    const output = session.outputMetadata[0];
    return {
      component,
      backend: `node cpu ${threads} threads`,
      dtype: output && 'type' in output ? output.type : 'unknown',
      size,
      sessionCreateMs,
      timing,
      flops,
      gflops,
      peakAlongside: referenceTiming,
      ...fractionsOfPeak(flops, matMulFlops(), timing, referenceTiming),
    };
  } finally {
    await session.release();
  }
}
