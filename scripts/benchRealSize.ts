// Real-size benchmark: one SD 1.5 UNet evaluation (batch 1, 64x64 latent = 512², 77 tokens), one full VAE decode
// and one TAESD decode at 512², and the text encoder, timed in onnxruntime-node (and Chromium WASM with an fp16
// folder), each against this CPU's peak: a 2048³ MatMul timed right after every run (other processes may share the
// machine; each pair sees the same load). Then estimated seconds for SD-Turbo 1 step and SD 1.5 25 steps with
// guidance, with the VAE and with TAESD. Writes bench-results/real-size.json.
// Usage: npm run models:real-size -- --out /tmp/realsize/sd15-fp32
//        npm run models:real-size -- --out /tmp/realsize/sd15-fp16 --dtype fp16      (for --wasm-models)
//        npm run bench:real-size -- --models /tmp/realsize/sd15-fp32 [--wasm-models /tmp/realsize/sd15-fp16] [--quick]
// --quick: no warm-up and one timed run per graph (loading the 3.4 GB UNet still takes a minute or more).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REAL_SIZE_VARIANTS } from './realSizeModels/architectures';
import { gflopsPerSecond, median, type ComponentFigure, type RunCounts } from './realSizeModels/benchTiming';
import { matMulFlops } from './realSizeModels/matMulPeakGraph';
import { estimateGenerations } from './realSizeModels/generationEstimates';
import { graphCost } from './realSizeModels/graphCost';
import { measureNodeComponent, NodePeakMatMul } from './realSizeModels/nodeRealSizeBench';
import { buildComponentGraph, inputShapes, REFERENCE_EVALUATION, type ComponentName } from './realSizeModels/realSizeComponents';
import { runWasmBench, type WasmBenchResult } from './realSizeModels/wasmRealSizeBench';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string' },
    'wasm-models': { type: 'string' },
    quick: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(availableParallelism()) },
  },
});
if (!args.models || !existsSync(join(args.models, 'unet', 'model.onnx'))) {
  console.error('usage: npm run bench:real-size -- --models DIR [--wasm-models FP16_DIR] [--quick] [--threads N]\n' +
    'DIR must hold a folder written by `npm run models:real-size -- --out DIR` (unet, vae_decoder, taesd_decoder, text_encoder).');
  process.exit(2);
}
const threads = Number(args.threads);
const quick = args.quick;
const COMPONENTS: ComponentName[] = ['unet', 'vae_decoder', 'taesd_decoder', 'text_encoder'];
const counts = (component: ComponentName): RunCounts =>
  quick ? { warmups: 0, runs: 1 } : { warmups: 1, runs: component === 'text_encoder' ? 5 : 3 };
const peakCounts: RunCounts = quick ? { warmups: 1, runs: 3 } : { warmups: 2, runs: 7 };
/**
 * onnxruntime's default level ('all') turns fp16 weights into fp32 when the session is created (Node: 4.1 GB resident
 * for the 1.7 GB fp16 UNet), after which the WASM UNet run fails with std::bad_alloc in the 4 GiB wasm32 heap;
 * 'basic' keeps them fp16 and casts per node while running (Node: 0.12 GB after creation).
 */
const WASM_SESSION_OPTIONS = { graphOptimizationLevel: 'basic' } as const;
const log = (line: string) => console.log(line);
const started = new Date();
const loadBefore = loadavg();

// 1. Node: this CPU's peak, then each graph.
log(`onnxruntime-node, ${threads} threads, spinning off${quick ? ' (quick)' : ''}`);
const peakMatMul = await NodePeakMatMul.create(threads);
const nodePeak = await peakMatMul.measure(peakCounts);
log(`  peak MatMul 2048³ (standalone, before): ${nodePeak.gflops.toFixed(1)} GFLOP/s median, ${nodePeak.gflopsBest.toFixed(1)} best`);
const nodeFigures: ComponentFigure[] = [];
for (const component of COMPONENTS) {
  const figure = await measureNodeComponent(args.models, component, REFERENCE_EVALUATION, { threads, counts: counts(component), peak: peakMatMul });
  nodeFigures.push(figure);
  log(`  ${component}: ${(figure.timing.medianMs / 1000).toFixed(2)} s, ${figure.gflops.toFixed(1)} GFLOP/s, ` +
    `${figure.fractionOfPeak.toFixed(2)} of peak (session ${(figure.sessionCreateMs / 1000).toFixed(1)} s)`);
}

// The peak again: how much the machine's load drifted while the graphs ran.
const nodePeakAfter = await peakMatMul.measure(peakCounts);
await peakMatMul.release();
log(`  peak MatMul 2048³ again: ${nodePeakAfter.gflops.toFixed(1)} GFLOP/s median, ${nodePeakAfter.gflopsBest.toFixed(1)} best`);

// 2. Chromium WASM (fp16 folder: the fp32 UNet does not fit a wasm32 heap).
let wasm: WasmBenchResult | null = null;
if (args['wasm-models']) {
  log(`Chromium WASM (onnxruntime-web plain build), ${threads} threads, models ${args['wasm-models']}`);
  wasm = await runWasmBench(args['wasm-models'], {
    threads,
    size: REFERENCE_EVALUATION,
    components: ['taesd_decoder', 'text_encoder', 'vae_decoder', 'unet'],
    // The WASM UNet and VAE take about a minute or more per run: one warm-up and two timed runs.
    counts: (c) => ((c === 'unet' || c === 'vae_decoder') && !quick ? { warmups: 1, runs: 2 } : counts(c)),
    peakCounts,
    options: WASM_SESSION_OPTIONS,
  }, log);
}

// 3. Estimates. SD-Turbo is priced from the SD 1.5 graphs scaled by FLOPs of weight-free builds of its own graphs.
const referenceFlops = (variant: 'sd15' | 'sd-turbo', component: ComponentName) => {
  const v = REAL_SIZE_VARIANTS[variant];
  return graphCost(buildComponentGraph(component, v, 'float32'), inputShapes(component, v, REFERENCE_EVALUATION)).total;
};
const ratios = {
  turboUnet: referenceFlops('sd-turbo', 'unet') / referenceFlops('sd15', 'unet'),
  turboTextEncoder: referenceFlops('sd-turbo', 'text_encoder') / referenceFlops('sd15', 'text_encoder'),
};
const secondsOf = (figures: ComponentFigure[]) => {
  const find = (c: string) => figures.find((f) => f.component === c)?.timing.medianMs;
  const [textEncoder, unet, vaeDecoder, taesdDecoder] = ['text_encoder', 'unet', 'vae_decoder', 'taesd_decoder'].map(find);
  if ([textEncoder, unet, vaeDecoder, taesdDecoder].some((v) => v === undefined)) return null;
  return { textEncoder: textEncoder! / 1000, unet: unet! / 1000, vaeDecoder: vaeDecoder! / 1000, taesdDecoder: taesdDecoder! / 1000 };
};
const nodeSeconds = secondsOf(nodeFigures)!;
const wasmSeconds = wasm ? secondsOf(wasm.components) : null;
const estimates = {
  node: estimateGenerations(nodeSeconds, ratios),
  wasm: wasmSeconds ? estimateGenerations(wasmSeconds, ratios) : null,
};

/** The peak MatMul runs timed alongside the graphs, pooled: the CPU's rate while the graphs ran. */
const peakWhileRunning = (figures: readonly ComponentFigure[]) => {
  const ms = figures.flatMap((f) => f.peakAlongside.runsMs);
  return { medianGflops: gflopsPerSecond(matMulFlops(), median(ms)), bestGflops: gflopsPerSecond(matMulFlops(), Math.min(...ms)) };
};
// 4. Report.
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), memoryGiB: totalmem() / 2 ** 30, node: process.version };
const result = {
  command: `npm run bench:real-size -- ${process.argv.slice(2).join(' ')}`,
  startedAt: started.toISOString(),
  machine,
  /** Load averages before and after: other processes on the machine skew absolute times; ratios to peak hold better. */
  loadAverage: { before: loadBefore, after: loadavg() },
  quick,
  node: { peakBefore: nodePeak, peakAfter: nodePeakAfter, peakWhileRunning: peakWhileRunning(nodeFigures), components: nodeFigures, sessionOptions: 'intraOpNumThreads = threads, spinning off, default optimisation level' },
  wasm: wasm && { ...wasm, peakWhileRunning: peakWhileRunning(wasm.components), sessionOptions: WASM_SESSION_OPTIONS },
  flopRatiosForTurbo: ratios,
  estimates,
};
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/real-size.json', `${JSON.stringify(result, null, 2)}\n`);

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const lines = [
  row(['graph (512², batch 1)', 'backend', 'dtype', 'median s', 'min–max s', 'GFLOP', 'GFLOP/s', 'of peak (pairs median / best)', 'session s']),
  row(Array(9).fill('---')),
];
for (const figures of [nodeFigures, wasm?.components ?? []]) {
  if (figures.length === 0) continue;
  const peak = peakWhileRunning(figures);
  lines.push(row(['MatMul 2048³ (peak, timed between the graphs\' runs)', figures[0].backend, 'float32', '', '', '17.2', `${peak.medianGflops.toFixed(1)} (best ${peak.bestGflops.toFixed(1)})`, '1', '']));
  for (const f of figures) {
    lines.push(row([f.component, f.backend, f.dtype, (f.timing.medianMs / 1000).toFixed(2), `${(f.timing.minMs / 1000).toFixed(2)}–${(f.timing.maxMs / 1000).toFixed(2)}`,
      (f.flops / 1e9).toFixed(1), f.gflops.toFixed(1), `${f.fractionOfPeak.toFixed(2)} / ${f.fractionOfPeakBest.toFixed(2)}`, (f.sessionCreateMs / 1000).toFixed(1)]));
  }
}
for (const failure of wasm?.failures ?? []) lines.push(row([failure.component, 'chromium wasm', '', `failed: ${failure.error}`, '', '', '', '', '']));
lines.push('', row(['estimated job', 'decoder', 'node s', 'wasm s', 'decoder share (node)']), row(Array(5).fill('---')));
estimates.node.forEach((e, i) => {
  lines.push(row([e.job, e.decoder === 'vae_decoder' ? 'full VAE' : 'TAESD', e.seconds.toFixed(1), estimates.wasm?.[i].seconds.toFixed(1) ?? '–', `${(100 * e.decoderShare).toFixed(0)}%`]));
});
console.log(`\n${lines.join('\n')}\n\nload average before/after: ${loadBefore.map((l) => l.toFixed(1)).join(' ')} / ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('wrote bench-results/real-size.json');
